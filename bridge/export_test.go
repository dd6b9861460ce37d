package bridge

// HoldWrites makes the engine look as if an event were being written until
// release is called: what a burst of handoffs looks like to notifications.
func (e *Engine) HoldWrites() (release func()) {
	e.writing.enter()
	return e.writing.leave
}
