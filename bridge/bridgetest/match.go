package bridgetest

import "strings"

// HasMessage matches deliveries that include a message containing text,
// for WaitFor.
func HasMessage(text string) func([]Delivery) bool {
	return func(ds []Delivery) bool {
		for _, d := range ds {
			if d.Kind == "message" && strings.Contains(d.Message.Text, text) {
				return true
			}
		}
		return false
	}
}
