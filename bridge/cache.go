package bridge

import "sync"

// cache is a map that never goes stale because what it holds never
// changes once made; past cacheLimit entries it starts over, which costs one
// store read per active key.
type cache[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

const cacheLimit = 100_000

func (c *cache[K, V]) get(k K) (V, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *cache[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= cacheLimit {
		c.m = make(map[K]V)
	}
	c.m[k] = v
}

// addressCache remembers which conversation a chat address belongs to,
// saving a read transaction on every inbound message.
type addressCache = cache[ChatAddress, ConversationID]
