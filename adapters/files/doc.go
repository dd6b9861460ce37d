// Package files serves the files shared in conversations from the bridge's
// blob store (bridge.Blobs): it checks uploads against the configured size
// and type limits before they are stored, and serves them back only
// through short-lived links signed for one chat, so that a user reaches
// their own conversation's files and no one else's. The widget and the
// console use it for their uploads; the widget also makes the links of the
// files agents send.
package files
