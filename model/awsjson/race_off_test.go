//go:build !race

package awsjson_test

// raceEnabled is set when the tests run under the race detector, which
// makes the full-size fixtures too slow for the test timeout.
const raceEnabled = false
