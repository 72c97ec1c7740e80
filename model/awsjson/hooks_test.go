package awsjson

import "github.com/vpcscope/vpcscope/model/internal/jsonin"

// DecodeBothWays decodes one document on the fast pass (go-json-experiment
// /json, straight from the stream) and on the careful pass (encoding/json,
// element by element), for tests that compare them.
func DecodeBothWays(name string, data []byte) (fast, careful any, fastErr, carefulErr error) {
	f, fastErr := decodePass("111122223333", "us-east-1", jsonin.BytesSource(name, data), false)
	c, carefulErr := decodePass("111122223333", "us-east-1", jsonin.BytesSource(name, data), true)
	return f, c, fastErr, carefulErr
}
