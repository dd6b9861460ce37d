package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/handoffbridge/handoff/adapters/blobdir"
	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// blobStore opens the store of shared files once, swept of orphans
// hourly: the database itself when the store keeps files (PostgreSQL, so
// that any replica serves them), else files/ next to the database (a
// temporary directory for an in-memory database).
func (w *wiring) blobStore() (bridge.Blobs, error) {
	if w.blobs != nil {
		return w.blobs, nil
	}
	if db, ok := w.store.(interface{ Blobs() bridge.Blobs }); ok {
		w.blobs = db.Blobs()
		w.run("files-sweep", &bridge.BlobSweeper{Store: w.store, Blobs: w.blobs, Logger: w.log})
		return w.blobs, nil
	}
	dir := ""
	if dbFiles := sqlite.Files(w.cfg.Store.DSN); len(dbFiles) > 0 {
		dir = filepath.Join(filepath.Dir(dbFiles[0]), "files")
	} else {
		tmp, err := os.MkdirTemp("", "bridge-files-")
		if err != nil {
			return nil, fmt.Errorf("files: %w", err)
		}
		dir = tmp
	}
	d, err := blobdir.Open(dir, nil)
	if err != nil {
		return nil, err // names itself
	}
	w.blobs = d
	w.run("files-sweep", &bridge.BlobSweeper{Store: w.store, Blobs: d, Logger: w.log})
	return d, nil
}

// fileService is the widget's and the console's uploads and links, made
// once, or nil when uploads are off.
func (w *wiring) fileService() (*files.Service, error) {
	if w.filesMade {
		return w.files, nil
	}
	u := w.cfg.Channels.Web.Uploads
	if !u.Enabled {
		w.filesMade = true
		return nil, nil
	}
	blobs, err := w.blobStore()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	secret, err := files.LoadSecret(ctx, w.engine)
	if err != nil {
		return nil, err
	}
	fs, err := files.New(files.Options{Blobs: blobs, Secret: secret, MaxBytes: u.MaxBytes, AllowedTypes: u.AllowedTypes,
		PublicURL: w.cfg.HTTP.PublicURL, Logger: w.log})
	if err != nil {
		return nil, err
	}
	fs.Mount(w.mux)
	w.files, w.filesMade = fs, true
	return fs, nil
}
