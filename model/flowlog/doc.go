// Package flowlog reads Amazon VPC Flow Logs in every form AWS delivers
// them: the default version 2 text format and custom formats (a header
// line naming any subset and order of the version 2 to 5 fields, ECS
// fields carried), plain or gzip files as written to S3
// (AWSLogs/<account>/vpcflowlogs/<region>/…, folders read recursively),
// Parquet files as written to S3, and CloudWatch Logs exports (the JSON
// of `aws logs filter-log-events` or `get-log-events`: events[].message).
//
// Reading is one streaming pass: text is split into fields byte by byte
// from a bufio.Reader, numbers and IPv4 addresses are parsed without
// allocating, and repeated strings (interface, VPC, subnet, account IDs)
// are interned, so memory grows with the distinct values, not with the
// records. A malformed line is reported as a *LineError naming its file
// and line, and reading goes on.
//
// The package sits under model/ because the top-level folders are fixed
// and flow logs are data about the network, like the snapshot readers
// beside it; it imports neither the engine, the UI nor the AWS SDK. Live
// sources (CloudWatch Logs, S3) live in model/awspull and hand their
// bytes to this package; reach/flowexplain judges the records with the
// engine.
package flowlog
