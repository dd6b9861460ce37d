package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/handoffbridge/handoff/adapters/api"
)

// ContractHeader marks a request the test sends on purpose against the
// document (a malformed body, a missing field): the document must refuse
// it too. The transport removes it before sending.
const ContractHeader = "X-Test-Contract"

// LoadContract loads openapi.yaml and checks it is a valid document.
func LoadContract(t testing.TB) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPIYAML)
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not valid: %v", err)
	}
	return doc
}

// Contract is an http.RoundTripper that validates every request and
// response against the OpenAPI document: the document cannot drift from
// the code without a test failing.
type Contract struct {
	t      testing.TB
	router routers.Router
	base   http.RoundTripper

	mu     sync.Mutex
	checks int
}

// NewContract makes the checker for doc.
func NewContract(t testing.TB, doc *openapi3.T) *Contract {
	t.Helper()
	doc.Servers = nil // the test server's URL is not the document's "/"
	r, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &Contract{t: t, router: r, base: http.DefaultTransport}
}

// RoundTrip validates the exchange.
func (c *Contract) RoundTrip(req *http.Request) (*http.Response, error) {
	wantInvalid := req.Header.Get(ContractHeader) == "invalid"
	req.Header.Del(ContractHeader)
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		c.t.Errorf("contract: %s %s is not in the document: %v", req.Method, req.URL.Path, err)
		return c.base.RoundTrip(req)
	}
	check := req.Clone(req.Context())
	check.Body = io.NopCloser(bytes.NewReader(body))
	in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	reqErr := openapi3filter.ValidateRequest(req.Context(), in)
	switch {
	case wantInvalid && reqErr == nil:
		c.t.Errorf("contract: %s %s with %s is refused by the bridge but allowed by the document", req.Method, req.URL.Path, body)
	case !wantInvalid && reqErr != nil:
		c.t.Errorf("contract: request %s %s: %v", req.Method, req.URL.Path, reqErr)
	}
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		opts.ExcludeResponseBody = true // endless: the events are checked one by one
	} else {
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(data))
		defer func() { resp.Body = io.NopCloser(bytes.NewReader(data)) }()
	}
	in.Options = opts
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: resp.Body, Options: opts}
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		c.t.Errorf("contract: response %d to %s %s: %v", resp.StatusCode, req.Method, req.URL.Path, err)
	}
	c.mu.Lock()
	c.checks++
	c.mu.Unlock()
	return resp, nil
}

// Checked counts the exchanges validated so far.
func (c *Contract) Checked() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.checks
}

// CheckEvent validates a callback's or stream's event against the
// document's Event schema.
func CheckEvent(t testing.TB, doc *openapi3.T, data []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Errorf("event is not JSON: %v", err)
		return
	}
	if err := doc.Components.Schemas["Event"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("event %s does not match the document: %v", data, err)
	}
}
