// Package awsjson builds a model.Snapshot from AWS API JSON: the output of
// `aws ec2 describe-*` and `aws elbv2 describe-*`, or aws-sdk-go-v2 output
// structs marshalled with encoding/json (the same PascalCase field names,
// with null for absent values).
//
// Each document is one JSON object whose top-level keys name what it holds
// (Vpcs, Subnets, Reservations, ...). Outputs that do not name their parent
// — transit gateway routes, propagations and associations, prefix list
// entries, load balancer listeners, target health and attributes — are read
// from groupings that do (TransitGatewayStaticRoutes, LoadBalancerTargetHealth,
// ...). Keys the model does not use are reported and skipped.
//
// An Importer accumulates documents and resolves the links between them
// (target health into target groups, listeners into load balancers, static
// routes into transit gateway route tables, Elastic IPs into interfaces, ...)
// when Snapshot is called. ReadDir does the same for a folder of files laid
// out by account and region.
//
// The package imports only the standard library and the model package.
package awsjson
