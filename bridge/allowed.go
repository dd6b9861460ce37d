package bridge

// AllowedActions lists the agent actions (join, reject, resolve) the engine
// would accept now from ref on h, under the current settings: the same
// authorisation and state machine Handle applies, so that a workspace can
// offer only the buttons that work. None while the module is disabled.
func (e *Engine) AllowedActions(h *Handoff, ref AgentRef) []Action {
	s := e.current()
	if !s.Enabled {
		return nil
	}
	by, ok := s.authorize(h, ref)
	if !ok {
		return nil
	}
	var allowed []Action
	for _, act := range []Action{ActJoin, ActReject, ActResolve, ActTransfer} {
		if _, err := Decide(h, act, by); err == nil {
			allowed = append(allowed, act)
		}
	}
	return allowed
}
