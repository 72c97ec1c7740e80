package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// profile is a profile of the AWS shared config files.
type profile struct {
	name string
	file string // the file that names it first, for the note beside it
}

// awsProfiles lists the profiles of the AWS shared config and credentials
// files (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, by default
// ~/.aws/config and ~/.aws/credentials), in file order without repeats:
// "[profile NAME]" and "[default]" sections of the config file, "[NAME]"
// sections of the credentials file, as the AWS CLI reads them. Files that
// do not exist list nothing.
func awsProfiles() ([]profile, error) {
	home, _ := os.UserHomeDir()
	files := []struct {
		path   string
		config bool
	}{
		{envOr("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config")), true},
		{envOr("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws", "credentials")), false},
	}
	var out []profile
	seen := map[string]bool{}
	for _, f := range files {
		names, err := profileSections(f.path, f.config)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				out = append(out, profile{name: n, file: f.path})
			}
		}
	}
	return out, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// profileSections reads the profile names of one shared file.
func profileSections(path string, config bool) ([]string, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(l, "[") || !strings.HasSuffix(l, "]") {
			continue
		}
		sec := strings.TrimSpace(l[1 : len(l)-1])
		switch {
		case config && sec == "default":
			out = append(out, sec)
		case config && strings.HasPrefix(sec, "profile "):
			out = append(out, strings.TrimSpace(strings.TrimPrefix(sec, "profile ")))
		case !config && sec != "":
			out = append(out, sec)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}
