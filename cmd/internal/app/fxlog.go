package app

import (
	"github.com/rs/zerolog"
	"go.uber.org/fx/fxevent"
)

// fxLogger reports fx's own events through zerolog: failures at error
// level, the rest at debug.
type fxLogger struct{ log zerolog.Logger }

func (l fxLogger) LogEvent(e fxevent.Event) {
	switch ev := e.(type) {
	case *fxevent.OnStartExecuted:
		if ev.Err != nil {
			l.log.Error().Err(ev.Err).Str("hook", ev.FunctionName).Msg("start hook failed")
		}
	case *fxevent.OnStopExecuted:
		if ev.Err != nil {
			l.log.Error().Err(ev.Err).Str("hook", ev.FunctionName).Msg("stop hook failed")
		}
	case *fxevent.Provided:
		if ev.Err != nil {
			l.log.Error().Err(ev.Err).Msg("fx provide failed")
		}
	case *fxevent.Invoked:
		if ev.Err != nil {
			l.log.Error().Err(ev.Err).Str("function", ev.FunctionName).Msg("fx invoke failed")
		}
	default:
		l.log.Debug().Type("event", e).Msg("fx")
	}
}
