package awspull

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
)

// Gap codes that are not AWS error codes.
const (
	// CodeMalformedResponse: the endpoint answered something the SDK could not read.
	CodeMalformedResponse = "MalformedResponse"
	// CodeInvalidData: the response was read but held a value the model rejects.
	CodeInvalidData = "InvalidData"
	// CodeRequestFailed: the request did not get an answer (network, timeout).
	CodeRequestFailed = "RequestFailed"
	// CodeNotRequested: Options.Kinds left the kind out.
	CodeNotRequested = "NotRequested"
	// CodeTruncated: AWS said more results exist than it would return.
	CodeTruncated = "Truncated"
	// CodeTimeout: the call got no complete answer within
	// Options.CallTimeout, or each attempt waited longer than
	// Options.ResponseHeaderTimeout for the response headers.
	CodeTimeout = "Timeout"
)

// failureClass says how far a failed call's consequences reach.
type failureClass int

const (
	// failKind: this call's kind is missing; the rest of the pull goes on.
	failKind failureClass = iota
	// failRegion: the region refuses every call (not enabled for the account).
	failRegion
	// failCanceled: the pull was canceled.
	failCanceled
)

// failure is a failed call, classified.
type failure struct {
	class  failureClass
	code   string
	reason string
}

var (
	deniedCodes = codes("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
		"UnauthorizedAccess", "Forbidden")
	unsupportedCodes = codes("InvalidAction", "UnknownAction", "UnknownOperation", "UnknownOperationException",
		"UnsupportedOperation", "NotImplemented", "InvalidQueryParameter")
	regionCodes   = codes("OptInRequired", "AuthFailure", "UnrecognizedClientException", "InvalidClientTokenId")
	throttleCodes = codes("Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded",
		"RequestThrottled", "RequestThrottledException", "TooManyRequestsException", "SlowDown",
		"EC2ThrottledException", "PriorRequestNotComplete")
	expiredCodes = codes("ExpiredToken", "ExpiredTokenException", "RequestExpired")
)

func codes(cs ...string) map[string]bool {
	m := make(map[string]bool, len(cs))
	for _, c := range cs {
		m[c] = true
	}
	return m
}

// errorCode returns the AWS error code in err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// errorMessage returns the AWS error message in err, or err's text.
func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != "" {
		return ae.ErrorMessage()
	}
	return err.Error()
}

// timeoutError is a call that ran out of time: the whole call, retries
// included, or (headers) every attempt, waiting for the response headers.
type timeoutError struct {
	action   string
	limit    time.Duration
	headers  bool
	attempts int
	err      error
}

// Error says what timed out, and which flag of the vpcscope CLI raises
// the limit.
func (e *timeoutError) Error() string {
	if e.headers {
		return fmt.Sprintf("%s: the endpoint sent no response headers within %s, %s: raise --response-header-timeout if it is only slow",
			e.action, e.limit, plural(e.attempts, "attempt"))
	}
	return fmt.Sprintf("%s got no complete answer within %s (%s): the endpoint may be hanging; raise --call-timeout if it is only slow",
		e.action, e.limit, plural(e.attempts, "attempt"))
}

func (e *timeoutError) Unwrap() error { return e.err }

// isHeaderTimeout reports whether err is net/http's Transport giving up
// on the response headers (Transport.ResponseHeaderTimeout), which it
// reports only in text.
func isHeaderTimeout(err error) bool {
	return strings.Contains(err.Error(), "timeout awaiting response headers")
}

// classify turns a failed call to action (e.g. ec2:DescribeVpcs) into what
// the snapshot records about it.
func classify(action string, err error) failure {
	var te *timeoutError
	if errors.As(err, &te) {
		return failure{failKind, CodeTimeout, te.Error()}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return failure{class: failCanceled, code: "Canceled", reason: "the pull was canceled"}
	}
	code := errorCode(err)
	var maxAttempts *retry.MaxAttemptsError
	var deser *smithy.DeserializationError
	switch {
	case deniedCodes[code]:
		return failure{failKind, code, "not allowed: grant " + action + " (see the read-only IAM policy: vpcscope snapshot --print-policy)"}
	case unsupportedCodes[code]:
		return failure{failKind, code, "the endpoint does not support this call"}
	case regionCodes[code]:
		return failure{failRegion, code, "the region is not enabled for this account, or refuses its credentials: " + oneLine(errorMessage(err))}
	case throttleCodes[code]:
		return failure{failKind, code, "AWS kept throttling " + action + " and the retries ran out: run again later, or with fewer --workers"}
	case errors.As(err, &deser):
		return failure{failKind, CodeMalformedResponse, "the response to " + action + " could not be read: " + oneLine(deser.Err.Error())}
	case code != "":
		return failure{failKind, code, oneLine(errorMessage(err))}
	case errors.As(err, &maxAttempts):
		return failure{failKind, CodeRequestFailed, fmt.Sprintf("%s failed %d times: %s", action, maxAttempts.Attempt, oneLine(maxAttempts.Err.Error()))}
	}
	return failure{failKind, CodeRequestFailed, action + " failed: " + oneLine(err.Error())}
}

// setupError explains why the pull could not start for a profile: a
// one-line message that says what to do.
func setupError(profile, step string, err error) error {
	who := "the default profile"
	if profile != "" {
		who = "profile " + profile
	}
	code := errorCode(err)
	var notExist config.SharedConfigProfileNotExistError
	var dns *net.DNSError
	var op *net.OpError
	var te *timeoutError
	msg := oneLine(err.Error())
	switch {
	case errors.As(err, &te):
		return &setupErr{fmt.Sprintf("%s for %s timed out: %s (check the network, proxy, or --endpoint-url)", step, who, te), err}
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("pull canceled: %w", err)
	case errors.As(err, &notExist):
		return &setupErr{fmt.Sprintf("AWS profile %q is not in the shared config or credentials files: check the name (aws configure list-profiles)", profile), err}
	case strings.Contains(msg, "SSO") || strings.Contains(msg, "sso"):
		return &setupErr{fmt.Sprintf("the SSO session of %s is missing or expired: run `aws sso login%s` and try again (%s)", who, profileFlag(profile), msg), err}
	case noCredentials(err):
		return &setupErr{"no AWS credentials found for " + who + ": run `aws configure` or `aws sso login`, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", err}
	case expiredCodes[code]:
		return &setupErr{fmt.Sprintf("the AWS credentials of %s have expired (%s): refresh them (e.g. aws sso login%s) and run again", who, code, profileFlag(profile)), err}
	case regionCodes[code] || code == "SignatureDoesNotMatch" || code == "InvalidSignatureException":
		return &setupErr{fmt.Sprintf("AWS rejected the credentials of %s (%s): %s: check the access key or the profile", who, code, strings.TrimSuffix(oneLine(errorMessage(err)), ".")), err}
	case throttleCodes[code]:
		return fmt.Errorf("AWS kept throttling %s for %s and the retries ran out: wait a minute and run again: %w", step, who, err)
	case code != "":
		return fmt.Errorf("%s for %s failed (%s): %s: %w", step, who, code, oneLine(errorMessage(err)), err)
	case errors.As(err, &dns), errors.As(err, &op):
		return fmt.Errorf("cannot reach AWS for %s (%s): check the network, proxy, or --endpoint-url: %w", who, step, err)
	}
	return fmt.Errorf("%s for %s: %s", step, who, msg)
}

// noCredentials reports whether err says no credentials could be found.
func noCredentials(err error) bool {
	s := err.Error()
	for _, m := range []string{"failed to retrieve credentials", "failed to refresh cached credentials",
		"no EC2 IMDS role found", "static credentials are empty", "anonymous credentials"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// setupErr is a setup failure whose message already says what happened
// and what to do; the SDK's error stays reachable with errors.As.
type setupErr struct {
	msg string
	err error
}

func (e *setupErr) Error() string { return e.msg }
func (e *setupErr) Unwrap() error { return e.err }

func profileFlag(profile string) string {
	if profile == "" {
		return ""
	}
	return " --profile " + profile
}
