package awspull

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcscope/vpcscope/model/awspull/fakeaws"
)

// testAccounts have a profile named after them ("acct-111122223333") in
// the shared files TestMain writes, with fakeaws's keys for them.
var testAccounts = []string{"111122223333", "444455556666", "123456789012"}

func profile(account string) string { return "acct-" + account }

// TestMain points the SDK at shared config and credentials files of its
// own and hides the machine's AWS settings, so tests never touch a real
// account.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "awspull-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var cfg, creds strings.Builder
	for _, a := range testAccounts {
		fmt.Fprintf(&cfg, "[profile %s]\nregion = us-east-1\n\n", profile(a))
		fmt.Fprintf(&creds, "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n", profile(a), fakeaws.AccessKey(a), fakeaws.Secret)
	}
	fmt.Fprintf(&cfg, "[profile no-creds]\nregion = us-east-1\n")
	for name, data := range map[string]string{"config": cfg.String(), "credentials": creds.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			os.Unsetenv(k)
		}
	}
	os.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
