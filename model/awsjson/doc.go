// Package awsjson builds a model.Snapshot from AWS API JSON: the output of
// `aws ec2 describe-*` and `aws elbv2 describe-*`, or aws-sdk-go-v2 output
// structs marshalled with encoding/json (the same PascalCase field names,
// with null for absent values).
//
// Each document is one JSON object whose top-level keys name what it holds
// (Vpcs, Subnets, Reservations, ...), or a list of one output's elements,
// as `--query Vpcs` writes it, recognised by the elements' identifying
// fields. Outputs that do not name their parent — transit gateway routes,
// propagations and associations, prefix list entries, load balancer
// listeners, target health and attributes — are read from groupings that
// do (TransitGatewayStaticRoutes, LoadBalancerTargetHealth, ...). Keys the
// model does not use are reported and skipped; a key that looks like a
// misspelling of one it reads is an error.
//
// Documents are decoded element by element as they stream in, behind a
// guard that refuses null list elements and objects packed tighter than
// AWS writes them, so memory follows what is kept rather than the input.
//
// An Importer accumulates documents and resolves the links between them
// (target health into target groups, listeners into load balancers, static
// routes into transit gateway route tables, Elastic IPs into interfaces, ...)
// and the records two documents give of one resource (model.Combine) when
// Snapshot is called. ReadDir does the same for a folder of files laid out
// by account and region, in parallel, and records what the folder cannot
// tell (empty files, core outputs an account and region lacks) as gaps.
//
// Each element is decoded straight from the stream by
// github.com/go-json-experiment/json with encoding/json's semantics; a
// document that fails there is read again carefully, element by element
// with encoding/json, whose errors are located.
//
// The package imports only the standard library, the model package (and
// its internal helpers) and github.com/go-json-experiment/json.
package awsjson
