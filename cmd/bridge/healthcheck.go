package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/handoffbridge/handoff/config"
)

// healthcheckTimeout bounds the probe: a container runtime kills a probe
// that hangs, and a bridge that cannot answer in this time is not healthy.
const healthcheckTimeout = 4 * time.Second

// healthcheck asks a running bridge for /healthz and fails unless it answers
// 200. It is the container's HEALTHCHECK, where the image has no curl. The
// address is url if given, else the local address of the config's
// http.listen.
func healthcheck(ctx context.Context, configPath, url string, stdout io.Writer) error {
	if url == "" {
		cfg, err := config.Load(configPath, nil)
		if err != nil {
			return err
		}
		if url, err = healthzURL(cfg.HTTP.Listen); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, resp.Status)
	}
	fmt.Fprintf(stdout, "%s: ok\n", url)
	return nil
}

// healthzURL turns a listen address into one to dial on this machine: a
// wildcard host (":8080", "0.0.0.0:8080", "[::]:8080") is the loopback.
func healthzURL(listen string) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("healthcheck: http.listen %q: %w", listen, err)
	}
	if port == "0" {
		return "", fmt.Errorf("healthcheck: http.listen %q has no fixed port: give -url", listen)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
