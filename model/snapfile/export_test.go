package snapfile

import (
	"io"

	"github.com/vpcscope/vpcscope/model"
	"github.com/vpcscope/vpcscope/model/internal/jsonin"
)

// DecodeParallel is decodeParallel, the fast path for snapshots in parts.
var DecodeParallel = decodeParallel

// DecodeSequential decodes data with the sequential streaming decoder
// (encoding/json), the path every error comes from.
func DecodeSequential(data []byte, name string) (*model.Snapshot, error) {
	return decode(jsonin.BytesSource(name, data))
}

// EncodeParts writes s in parts whatever the number of its scopes.
func EncodeParts(w io.Writer, s *model.Snapshot) error {
	return encodeParts(w, s, splitParts(s))
}
