package deploytest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/handoffbridge/handoff/config"
)

// composeFile is what the tests read of a docker-compose file.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Environment map[string]string `yaml:"environment"`
		EnvFile     string            `yaml:"env_file"`
		Volumes     []string          `yaml:"volumes"`
	} `yaml:"services"`
}

func clusterDir(t *testing.T) string { return filepath.Join(repoRoot(t), "deploy", "cluster") }

// readEnvExample reads the variables .env.example sets (its commented
// lines are optional ones).
func readEnvExample(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(clusterDir(t), ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if name, value, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			env[name] = value
		}
	}
	return env
}

// interpolation is compose's ${NAME}, ${NAME:-default}, ${NAME:?error}.
var interpolation = regexp.MustCompile(`\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}`)

// interpolate does what compose does with the .env values.
func interpolate(s string, env map[string]string) string {
	return interpolation.ReplaceAllStringFunc(s, func(m string) string {
		sub := interpolation.FindStringSubmatch(m)
		if v, ok := env[sub[1]]; ok {
			return v
		}
		if _, def, ok := strings.Cut(m, ":-"); ok {
			return strings.TrimSuffix(def, "}")
		}
		return ""
	})
}

// TestClusterComposeFile: the cluster example has PostgreSQL, two bridge
// replicas and a proxy; its images are pinned; every variable it needs is
// in .env.example; and each replica's config, with the environment compose
// gives it, loads as a PostgreSQL replica's, with no misspelt override.
func TestClusterComposeFile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(clusterDir(t), "docker-compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("docker-compose.yaml: %v", err)
	}
	var names []string
	for name := range c.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	if strings.Join(names, ",") != "bridge-1,bridge-2,postgres,proxy" {
		t.Fatalf("services = %v, want postgres, bridge-1, bridge-2 and proxy", names)
	}
	env := readEnvExample(t)
	for _, m := range interpolation.FindAllStringSubmatch(string(raw), -1) {
		if _, ok := env[m[1]]; !ok && !strings.Contains(m[0], ":-") {
			t.Errorf("docker-compose.yaml needs %s, which .env.example does not set", m[1])
		}
	}
	for name, s := range c.Services {
		if s.Build == nil && !regexp.MustCompile(`:\d+(\.\d+)+`).MatchString(s.Image) {
			t.Errorf("%s's image %q is not pinned to a version", name, s.Image)
		}
	}

	for _, replica := range []string{"bridge-1", "bridge-2"} {
		s := c.Services[replica]
		if s.EnvFile != ".env" || !slices.Contains(s.Volumes, "./bridge.yaml:/etc/bridge/bridge.yaml:ro") {
			t.Errorf("%s: env_file %q, volumes %v; want .env and ./bridge.yaml mounted", replica, s.EnvFile, s.Volumes)
		}
		vars := map[string]string{}
		for k, v := range env {
			vars[k] = v
		}
		for k, v := range s.Environment {
			vars[k] = interpolate(v, env)
		}
		cfg, err := config.Load(filepath.Join(clusterDir(t), "bridge.yaml"), func(k string) (string, bool) {
			v, ok := vars[k]
			return v, ok
		})
		if err != nil {
			t.Fatalf("%s's config: %v", replica, err)
		}
		if cfg.Store.Driver != "postgres" || !strings.Contains(cfg.Store.PostgresDSN.Reveal(), "@postgres:5432/bridge") {
			t.Errorf("%s: store %q, want postgres on the compose service", replica, cfg.Store.Driver)
		}
		var environ []string
		for k, v := range vars {
			environ = append(environ, k+"="+v)
		}
		for _, err := range cfg.UnusedOverrides(environ) {
			t.Errorf("%s: %v", replica, err)
		}
	}
}

// TestClusterProxyConfig: nginx accepts the example's config (nginx -t),
// with the replicas' service names, which only compose's network
// resolves, pointed at loopback; and the config says what WebSockets
// through it need.
func TestClusterProxyConfig(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(clusterDir(t), "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	conf := string(raw)
	for _, want := range []string{"proxy_set_header Upgrade $http_upgrade", "proxy_set_header Connection $connection_upgrade",
		"proxy_http_version 1.1", "proxy_read_timeout 1h", "server bridge-1:8080", "server bridge-2:8080"} {
		if !strings.Contains(conf, want) {
			t.Errorf("nginx.conf lacks %q", want)
		}
	}
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		t.Skip("nginx is not installed (apt-get install nginx-light)")
	}
	dir := t.TempDir()
	conf = strings.NewReplacer("bridge-1:", "127.0.0.1:", "bridge-2:", "127.0.0.2:").Replace(conf)
	// Logs and the pid file in the temporary directory, not /var.
	conf = "error_log " + dir + "/error.log;\npid " + dir + "/nginx.pid;\n" + conf
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(nginx, "-t", "-p", dir, "-c", path, "-e", dir+"/error.log").CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
}
