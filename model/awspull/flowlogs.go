package awspull

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
)

// flowLogActions are the IAM actions the flow-log readers call:
// CloudWatch Logs FilterLogEvents, and S3 ListObjectsV2 (s3:ListBucket)
// and GetObject.
var flowLogActions = []string{"logs:FilterLogEvents", "s3:ListBucket", "s3:GetObject"}

// LogOptions say how to reach AWS for flow logs: the same profile,
// region and endpoint settings as a pull.
type LogOptions struct {
	// Profile is a shared-config profile; empty means the default chain.
	Profile string
	// Region is the log group's or bucket's region; empty means the
	// profile's (AWS_REGION).
	Region string
	// EndpointURL sends the calls to this endpoint instead of AWS's.
	EndpointURL string
	// HTTPClient, when set, sends the calls (tests).
	HTTPClient *http.Client
}

// logConfig loads the SDK configuration for the flow-log readers.
func logConfig(ctx context.Context, o LogOptions) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return newRetryer(DefaultMaxAttempts, 0) }),
		config.WithAPIOptions([]func(*middleware.Stack) error{addErrorBodyMiddleware}),
		config.WithLogger(logging.Nop{}),
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(o.EndpointURL))
	}
	if o.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(o.HTTPClient))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, setupError(o.Profile, "load the AWS configuration", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no AWS region for the flow logs: pass --region, set AWS_REGION, or add a region to the profile")
	}
	return cfg, nil
}

// LogEvent is one CloudWatch Logs event: a flow-log record as text.
type LogEvent struct {
	Stream  string
	Message string
}

// ReadLogGroup reads the events of a CloudWatch Logs group from since on,
// optionally only those matching a filter pattern, with FilterLogEvents
// page by page, and hands each to fn in order. An error from fn stops the
// read and is returned.
func ReadLogGroup(ctx context.Context, o LogOptions, group string, since time.Time, pattern string, fn func(LogEvent) error) error {
	cfg, err := logConfig(ctx, o)
	if err != nil {
		return err
	}
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), StartTime: aws.Int64(since.UnixMilli())}
	if pattern != "" {
		in.FilterPattern = aws.String(pattern)
	}
	p := cloudwatchlogs.NewFilterLogEventsPaginator(cloudwatchlogs.NewFromConfig(cfg), in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("CloudWatch Logs FilterLogEvents on %s: %s", group, describeCallError("logs:FilterLogEvents", err))
		}
		for _, ev := range page.Events {
			if err := fn(LogEvent{Stream: aws.ToString(ev.LogStreamName), Message: aws.ToString(ev.Message)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// ParseS3URL splits s3://bucket/prefix into its bucket and prefix.
func ParseS3URL(url string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(url, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q is not an s3://bucket/prefix URL", url)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%q names no bucket (want s3://bucket/prefix)", url)
	}
	return bucket, prefix, nil
}

// ReadS3 lists the objects under s3://bucket/prefix (ListObjectsV2, page
// by page) and hands each object's body to fn, in key order, named
// s3://bucket/key; folder markers (keys ending in /) are skipped. An
// error from fn stops the read and is returned.
func ReadS3(ctx context.Context, o LogOptions, url string, fn func(name string, body io.Reader) error) error {
	bucket, prefix, err := ParseS3URL(url)
	if err != nil {
		return err
	}
	cfg, err := logConfig(ctx, o)
	if err != nil {
		return err
	}
	client := s3.NewFromConfig(cfg, func(so *s3.Options) {
		// A custom endpoint (an emulator, a test server) has no bucket
		// subdomains.
		so.UsePathStyle = o.EndpointURL != ""
	})
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("S3 ListObjectsV2 on %s: %s", url, describeCallError("s3:ListBucket", err))
		}
		for _, obj := range page.Contents {
			key := aws.ToString(obj.Key)
			if strings.HasSuffix(key, "/") {
				continue
			}
			name := "s3://" + bucket + "/" + key
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			if err != nil {
				return fmt.Errorf("S3 GetObject %s: %s", name, describeCallError("s3:GetObject", err))
			}
			err = fn(name, out.Body)
			out.Body.Close()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// describeCallError says in one line why a call failed: the AWS error code
// and message when there is one.
func describeCallError(action string, err error) string {
	f := classify(action, err)
	if f.reason != "" {
		return f.code + ": " + f.reason
	}
	return oneLine(err.Error())
}
