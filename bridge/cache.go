package bridge

import "sync"

// addressCacheLimit bounds the cache; past it the cache starts over, which
// costs one store read per active conversation.
const addressCacheLimit = 100_000

// addressCache remembers which conversation a chat address belongs to. The
// mapping never changes once made, so the cache cannot go stale; it saves a
// read transaction on every inbound message.
type addressCache struct {
	mu  sync.RWMutex
	ids map[ChatAddress]ConversationID
}

func (c *addressCache) get(a ChatAddress) (ConversationID, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	id, ok := c.ids[a]
	return id, ok
}

func (c *addressCache) put(a ChatAddress, id ConversationID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil || len(c.ids) >= addressCacheLimit {
		c.ids = make(map[ChatAddress]ConversationID)
	}
	c.ids[a] = id
}
