// Package awspull reads an AWS account's network live, with aws-sdk-go-v2,
// into a model.Snapshot. It is the one package of vpcscope that imports the
// AWS SDK.
//
// Pull loads credentials and settings the way the AWS CLI does
// (config.LoadDefaultConfig: environment variables, the shared config and
// credentials files, profiles with role_arn/source_profile, SSO,
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_EC2), identifies each account with
// STS GetCallerIdentity, and then lists every kind of the model in every
// requested region at once: each listing runs its SDK paginator, at most
// Options.Workers calls are in flight per account and region, and the SDK's
// adaptive retryer backs off when AWS throttles.
//
// Outputs are not converted here: every page is marshalled to JSON (the
// SDK output structs marshal to the same PascalCase names the AWS CLI
// prints) and decoded by package awsjson, so live pulls and CLI dumps share
// one decoding path. Outputs that do not name their parent (transit gateway
// routes, prefix list entries, listeners, target health, attributes) are
// wrapped in awsjson's groupings.
//
// A call that fails (denied, unsupported by the endpoint, a region that is
// not enabled, throttled past the retries, an unreadable response, no
// answer within Options.CallTimeout or, at every attempt, no response
// headers within Options.ResponseHeaderTimeout) does not stop the pull:
// the snapshot records a model.Gap for its kind, scope and operation, and
// the engine turns gaps into caveats. A page that awsjson rejects for one
// value loses only the innermost element holding it (a route, an IP range,
// or the resource when the value is its own), and Pull returns a Note for
// each such drop.
//
// The calls Pull makes are listed by Actions and, as a read-only IAM
// policy, by Policy.
package awspull
