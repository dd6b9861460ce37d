package config

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
)

// decodeHooks converts strings into durations and lists. A strict decoding
// reports bad durations; a lenient one reads them as zero, so that the rest
// of their section is still decoded and validated.
func decodeHooks(strict bool) viper.DecoderConfigOption {
	return viper.DecodeHook(mapstructure.ComposeDecodeHookFunc(durationHook(strict), listHook))
}

func durationHook(strict bool) mapstructure.DecodeHookFuncType {
	return func(from, to reflect.Type, data any) (any, error) {
		if from.Kind() != reflect.String || to != durationType {
			return data, nil
		}
		s := strings.TrimSpace(data.(string))
		d, err := time.ParseDuration(s)
		if err != nil {
			if !strict {
				return time.Duration(0), nil
			}
			return nil, fmt.Errorf("bad duration %q, want a number and a unit such as 3m, 90s or 1h30m", s)
		}
		return d, nil
	}
}

// listHook reads a string (from the environment) as a comma-separated list.
func listHook(from, to reflect.Type, data any) (any, error) {
	if from.Kind() != reflect.String || to.Kind() != reflect.Slice {
		return data, nil
	}
	raw := data.(string)
	if strings.TrimSpace(raw) == "" {
		return []string{}, nil
	}
	parts := strings.Split(raw, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts, nil
}
