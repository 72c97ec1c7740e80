package awspull

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// DefaultMaxAttempts is how many times a call is tried, retries included,
// when Options.MaxAttempts is 0. Throttled describe calls on a busy account
// usually succeed within a few backed-off retries.
const DefaultMaxAttempts = 10

// newRetryer returns the SDK's adaptive retryer (exponential backoff with
// jitter, and a client-side send rate that drops when AWS throttles and
// recovers when it stops) that counts its retries. The retry quota is off:
// a pull is a batch job that would rather wait than give up on a kind.
func newRetryer(maxAttempts int, maxBackoff time.Duration) aws.Retryer {
	return countingRetryer{retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
		o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
			so.MaxAttempts = maxAttempts
			if maxBackoff > 0 {
				so.MaxBackoff = maxBackoff
			}
			so.RateLimiter = ratelimit.None
		})
	})}
}

// countingRetryer adds one to the call's retry counter (see withRetryCounter)
// each time the SDK decides to retry.
type countingRetryer struct {
	*retry.AdaptiveMode
}

type retryCounterKey struct{}

// withRetryCounter returns a context whose calls count their retries in n.
func withRetryCounter(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, retryCounterKey{}, n)
}

// GetRetryToken is called once per retry, with the call's context.
func (r countingRetryer) GetRetryToken(ctx context.Context, opErr error) (func(error) error, error) {
	release, err := r.AdaptiveMode.GetRetryToken(ctx, opErr)
	if err == nil {
		if n, ok := ctx.Value(retryCounterKey{}).(*atomic.Int64); ok {
			n.Add(1)
		}
	}
	return release, err
}
