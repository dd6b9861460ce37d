package teams_test

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The app package's contents: the manifest names the bot in the team
// scope with the permission to read channel replies without a mention,
// and icons of the sizes Teams accepts.
func TestTeamsAppManifest(t *testing.T) {
	data, err := os.ReadFile("manifest/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		ManifestVersion string `json:"manifestVersion"`
		ID              string `json:"id"`
		Icons           struct{ Color, Outline string }
		Bots            []struct {
			BotID  string   `json:"botId"`
			Scopes []string `json:"scopes"`
		} `json:"bots"`
		WebApplicationInfo struct{ ID string } `json:"webApplicationInfo"`
		Authorization      struct {
			Permissions struct {
				ResourceSpecific []struct{ Name, Type string } `json:"resourceSpecific"`
			} `json:"permissions"`
		} `json:"authorization"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Bots) != 1 || m.Bots[0].BotID != m.ID || m.WebApplicationInfo.ID != m.ID || !slices.Contains(m.Bots[0].Scopes, "team") {
		t.Fatalf("manifest bots %+v, id %q, webApplicationInfo %q: want one bot in the team scope, all one app id", m.Bots, m.ID, m.WebApplicationInfo.ID)
	}
	rsc := m.Authorization.Permissions.ResourceSpecific
	if !slices.ContainsFunc(rsc, func(p struct{ Name, Type string }) bool { return p.Name == "ChannelMessage.Read.Group" }) {
		t.Fatalf("resource-specific permissions %+v: the bot would only see replies that mention it", rsc)
	}
	for name, size := range map[string]int{m.Icons.Color: 192, m.Icons.Outline: 32} {
		f, err := os.Open(filepath.Join("manifest", name))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != size || cfg.Height != size {
			t.Fatalf("icon %s: %dx%d (%v), want %dx%d", name, cfg.Width, cfg.Height, err, size, size)
		}
	}
}
