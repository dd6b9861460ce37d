package main

// wireConsole plugs in the console adapter when the config enables it.
func wireConsole(w *wiring) error {
	return nil
}
