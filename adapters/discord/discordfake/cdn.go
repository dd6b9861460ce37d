package discordfake

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// cdnLife is how long Discord's signed attachment links work.
const cdnLife = 24 * time.Hour

// cdnFile is an uploaded file's bytes, served at its CDN link.
type cdnFile struct {
	contentType string
	data        []byte
}

// File is an attachment of data as the Discord client uploads it: give it
// to Say or SayWith, which put it in a message and give it its CDN links;
// GET on them (through Client) answers data, as cdn.discordapp.com does.
func (s *Server) File(name, contentType string, data []byte) *discordgo.MessageAttachment {
	a := &discordgo.MessageAttachment{ID: s.ids.next(), Filename: name, ContentType: contentType, Size: len(data)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[a.ID] = cdnFile{contentType: contentType, data: data}
	return a
}

// ExpireFileLinks makes every attachment link issued so far (to the
// second) fail, as Discord's do a day after they were issued.
func (s *Server) ExpireFileLinks() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cdnExpired = time.Now().Unix()
}

// cdnLinks are an attachment's url and proxy_url with Discord's signature
// parameters: ex (expiry) and is (issue), hexadecimal Unix seconds, and hm,
// a MAC over the path and both.
func (s *Server) cdnLinks(channelID, id, name string) (link, proxy string) {
	path := "/attachments/" + channelID + "/" + id + "/" + url.PathEscape(name)
	now := time.Now()
	is, ex := strconv.FormatInt(now.Unix(), 16), strconv.FormatInt(now.Add(cdnLife).Unix(), 16)
	q := "?ex=" + ex + "&is=" + is + "&hm=" + s.cdnMAC(path, ex, is) + "&"
	return "https://cdn.discordapp.com" + path + q, "https://media.discordapp.net" + path + q
}

func (s *Server) cdnMAC(path, ex, is string) string {
	m := hmac.New(sha256.New, s.cdnKey)
	fmt.Fprintf(m, "%s\x00%s\x00%s", path, ex, is)
	return hex.EncodeToString(m.Sum(nil))
}

// newCDNKey is the fake's key for signing attachment links.
func newCDNKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}

// serveAttachment answers GET /attachments/{channel}/{id}/{name}: the
// file's bytes for a link the fake signed and that has not expired, and
// Discord's 404 page otherwise.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ex, is, hm := q.Get("ex"), q.Get("is"), q.Get("hm")
	expiry, errEx := strconv.ParseInt(ex, 16, 64)
	issued, errIs := strconv.ParseInt(is, 16, 64)
	s.mu.Lock()
	f, ok := s.files[r.PathValue("id")]
	expiredUpTo := s.cdnExpired
	s.mu.Unlock()
	if !ok || errEx != nil || errIs != nil || !hmac.Equal([]byte(hm), []byte(s.cdnMAC(r.URL.EscapedPath(), ex, is))) ||
		time.Now().Unix() > expiry || issued <= expiredUpTo {
		http.Error(w, "This content is no longer available.", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
	_, _ = w.Write(f.data)
}
