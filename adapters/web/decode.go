package web

import (
	"bytes"
	"encoding/json"
	"sync"
)

// frameDecoder is a json.Decoder kept from one frame to the next: for a
// small frame, a new decoder, its reader and its buffer were most of the
// cost of decoding. A decoder that failed is dropped, since its state after
// an error is its own business.
type frameDecoder struct {
	src bytes.Reader
	dec *json.Decoder
	fed int64 // bytes given to the decoder so far, all frames together
	// frame is decoded into here and copied out: a frame passed to Decode
	// as an interface would otherwise be moved to the heap each time.
	frame inFrame
}

var frameDecoders = sync.Pool{New: func() any {
	d := &frameDecoder{}
	d.dec = json.NewDecoder(&d.src)
	d.dec.DisallowUnknownFields()
	return d
}}

// decodeFrame decodes data, which must be one JSON object of the widget
// protocol and nothing else but white space, into f.
func decodeFrame(data []byte, f *inFrame) error {
	d := frameDecoders.Get().(*frameDecoder)
	d.src.Reset(data)
	d.fed += int64(len(data))
	d.frame = inFrame{}
	if err := d.dec.Decode(&d.frame); err != nil {
		return malformed("not a JSON object of the widget protocol: %v", err)
	}
	// What the decoder has not consumed, in its buffer or still in the
	// reader, is the end of data: after a complete value the decoder reads
	// no further, and what came before this frame was consumed with the
	// previous one.
	rest := d.fed - d.dec.InputOffset()
	if rest < 0 || rest > int64(len(data)) || !onlySpace(data[len(data)-int(rest):]) {
		return malformed("trailing data after the JSON object")
	}
	*f = d.frame
	d.frame = inFrame{} // the pool holds no user text
	frameDecoders.Put(d)
	return nil
}

// onlySpace reports whether b holds nothing but JSON white space.
func onlySpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}
