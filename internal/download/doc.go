// Package download sends a file to an HTTP client for as long as the
// client keeps reading. The bridge's server has one write timeout for
// every answer, sized for pages and API calls; a large file to a slow
// line would be cut by it, and a fixed longer bound still cuts the
// slowest. Copy instead moves the write deadline forward before each
// chunk, so only a client that stops reading is dropped.
package download
