package awspull

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"regexp"
	"strings"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Some endpoints (emulators, proxies) answer errors in a shape the
// service's SDK cannot read — a JSON error to an EC2 Query call, an HTML
// page — and the SDK then reports only "UnknownError". errorBodyMiddleware
// keeps the start of every error response, so the gap can say what the
// endpoint actually answered.

// errorBody is the start of the last error response of one call.
type errorBody struct {
	status int
	data   []byte
}

type errorBodyKey struct{}

func withErrorBody(ctx context.Context, b *errorBody) context.Context {
	return context.WithValue(ctx, errorBodyKey{}, b)
}

// addErrorBodyMiddleware is an APIOptions function for every client.
func addErrorBodyMiddleware(stack *middleware.Stack) error {
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("vpcscopeErrorBody",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
			middleware.DeserializeOutput, middleware.Metadata, error,
		) {
			out, md, err := next.HandleDeserialize(ctx, in)
			resp, ok := out.RawResponse.(*smithyhttp.Response)
			b, want := ctx.Value(errorBodyKey{}).(*errorBody)
			if !ok || !want || resp.StatusCode < 300 || resp.Body == nil {
				return out, md, err
			}
			head, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
			b.status, b.data = resp.StatusCode, head
			return out, md, err
		}), middleware.After)
}

// endpointError is an error the SDK could not read, with the code and
// message found in the raw answer.
type endpointError struct {
	code, message string
	status        int
	err           error
}

func (e *endpointError) Error() string                 { return e.code + ": " + e.message }
func (e *endpointError) Unwrap() error                 { return e.err }
func (e *endpointError) ErrorCode() string             { return e.code }
func (e *endpointError) ErrorMessage() string          { return e.message }
func (e *endpointError) ErrorFault() smithy.ErrorFault { return smithy.FaultUnknown }

var (
	xmlCodeRE    = regexp.MustCompile(`<Code>([^<]*)</Code>`)
	xmlMessageRE = regexp.MustCompile(`<Message>([^<]*)</Message>`)
)

// explain replaces an "UnknownError" with what the raw answer b says.
func (b *errorBody) explain(err error) error {
	if err == nil || b.status == 0 {
		return err
	}
	if c := errorCode(err); c != "" && c != "UnknownError" {
		return err
	}
	var j struct {
		Type    string `json:"__type"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Msg     string `json:"Message"`
	}
	code, msg := "", ""
	if json.Unmarshal(b.data, &j) == nil {
		code = j.Type
		if j.Code != "" {
			code = j.Code
		}
		if i := strings.LastIndex(code, "#"); i >= 0 {
			code = code[i+1:]
		}
		msg = j.Message + j.Msg
	} else if m := xmlCodeRE.FindSubmatch(b.data); m != nil {
		code = string(m[1])
		if m := xmlMessageRE.FindSubmatch(b.data); m != nil {
			msg = string(m[1])
		}
	}
	if code == "" {
		return err
	}
	return &endpointError{code: code, message: msg, status: b.status, err: err}
}
