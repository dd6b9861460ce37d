package storetest

import (
	"maps"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var blobRefContracts = []contract{
	{"ReferencedBlobs", testReferencedBlobs},
}

// testReferencedBlobs: of the blobs asked about, those an attachment of a
// message names are referenced, a deleted message's included; a blob no
// message names, or only a message of another blob, is not.
func testReferencedBlobs(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	c := seedConversation(t, s, "blobs")
	deleted := clock.Now()
	for _, m := range []*bridge.Message{
		{ConversationID: c, Role: bridge.RoleUser, Text: "two files", Attachments: []bridge.Attachment{
			{Name: "a.png", URL: "/files/a", Blob: "blob-a"}, {Name: "b.pdf", URL: "/files/b", Blob: "blob-b"}}},
		{ConversationID: c, Role: bridge.RoleAgent, Text: "gone", DeletedAt: deleted, Attachments: []bridge.Attachment{
			{Name: "c.txt", URL: "/files/c", Blob: "blob-c"}}},
		{ConversationID: c, Role: bridge.RoleAgent, Text: "a link only", Attachments: []bridge.Attachment{
			{Name: "d", URL: "https://example.com/d"}}},
		{ConversationID: c, Role: bridge.RoleUser, Text: "no files"},
	} {
		update(t, s, func(tx bridge.Tx) error { return tx.AddMessage(ctx, m) })
	}
	var got map[bridge.BlobID]bool
	view(t, s, func(tx bridge.Tx) error {
		rtx, ok := tx.(bridge.BlobRefTx)
		if !ok {
			t.Skip("the store's transactions are no bridge.BlobRefTx")
		}
		var err error
		got, err = rtx.ReferencedBlobs(ctx, []bridge.BlobID{"blob-a", "blob-c", "blob-orphan", "blob-A"})
		return err
	})
	want := map[bridge.BlobID]bool{"blob-a": true, "blob-c": true}
	if !maps.Equal(got, want) {
		t.Errorf("ReferencedBlobs = %v, want %v", got, want)
	}
	view(t, s, func(tx bridge.Tx) error {
		none, err := tx.(bridge.BlobRefTx).ReferencedBlobs(ctx, nil)
		if err != nil || len(none) != 0 {
			t.Errorf("ReferencedBlobs(nil) = %v, %v; want empty", none, err)
		}
		return nil
	})
}
