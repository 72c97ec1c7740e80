package jsonin

import (
	"io"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Unmarshal decodes data into v with encoding/json's semantics (names
// matched without regard to case, the last of duplicate names kept,
// invalid UTF-8 replaced, null leaving a value as it is, ...), in about
// half the time: github.com/go-json-experiment/json (encoding/json/v2)
// with its v1 options, which decodes in one pass where encoding/json
// validates the whole input first and then decodes it again.
//
// It is the fast path of the decoders only: its errors do not say where
// in a file the problem is, so a caller meeting one decodes again with
// encoding/json, whose errors the decoders locate.
func Unmarshal(data []byte, v any) error {
	return jsonv2.Unmarshal(data, v, jsonv1.DefaultOptionsV1())
}

// NewDecoder returns a streaming reader of the JSON in r with
// encoding/json's semantics, for UnmarshalDecode.
func NewDecoder(r io.Reader) *jsontext.Decoder {
	return jsontext.NewDecoder(r, jsonv1.DefaultOptionsV1())
}

// UnmarshalDecode decodes the next value of dec into v as Unmarshal does.
func UnmarshalDecode(dec *jsontext.Decoder, v any) error {
	return jsonv2.UnmarshalDecode(dec, v, jsonv1.DefaultOptionsV1())
}
