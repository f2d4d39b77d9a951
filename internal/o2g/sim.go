package o2g

import (
	"crypto/rand"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
)

// Simulation endpoints (Config.Simulation; off by default, and then
// absent: they answer 404 like any unknown path). Switchboard has no call
// engine yet; these inject what one would produce, through the same core
// operations and events, so that tests and demos can drive the
// communication log and the event summary end to end. They are not part
// of the O2G API and no SDK calls them.
//
//	POST {base}/_sim/comlog[?loginName=]   body: a ComHistoryRecord
//	     → 201 with the record as stored (id, acknowledged set by the core)
//
// The record is added to the log of the session's user (an administrator
// names the user in loginName, as on every comlog operation): as a call
// engine does when a call leaves the user. Participants name users of the
// system by id.loginName or id.phoneNumber (shown as they are now), or
// outside parties by number and names. The participant with a role is the
// user's part: CALLEE and answered false make a missed call. recordId and
// acknowledged are ignored; comRef is generated when absent; beginDate
// defaults to now.

//	POST {base}/_sim/voicemail[?loginName=]   body: a SimVoicemail
//	     → 201 with the Voicemail as listed
//
// The message is left in the mailbox of the session's user (or the user
// loginName names), as a voicemail system does when a caller records one:
// new (unread), dated now unless date is given. from names the caller as
// for comlog participants (absent: anonymous). audio is a WAV file
// (base64 in JSON); without it the server records a 425 Hz tone of the
// message's duration (at most 60 s; 8 kHz 16-bit mono PCM). duration
// defaults to the audio's length, or 5 s for a generated tone.

// simPartyIn is a party of an injected record.
type simPartyIn struct {
	ID          Identifier       `json:"id"`
	FirstName   string           `json:"firstName"`
	LastName    string           `json:"lastName"`
	DisplayName string           `json:"displayName"`
	Type        *ParticipantType `json:"type"`
}

// SimComRecord is the body of POST /_sim/comlog.
type SimComRecord struct {
	ComRef       string `json:"comRef"`
	Participants []struct {
		Role          string      `json:"role"`
		Answered      *bool       `json:"answered"`
		Identity      *simPartyIn `json:"identity"`
		Anonymous     bool        `json:"anonymous"`
		InitialCalled *simPartyIn `json:"initialCalled"`
		Reason        string      `json:"reason"`
		Leg           string      `json:"leg"`
	} `json:"participants"`
	BeginDate      string     `json:"beginDate"`
	EndDate        string     `json:"endDate"`
	ConvDate       string     `json:"convDate"`
	HoldDuration   *int64     `json:"holdDuration"`
	TransferredBy  string     `json:"transferredBy"`
	AssociatedData string     `json:"associatedData"`
	Medias         []string   `json:"medias"`
	Extensions     []TagValue `json:"extensions"`
}

func (s *Server) simRoutes() {
	if !s.cfg.Simulation {
		return
	}
	s.route("POST /_sim/comlog", s.withSession(s.handleSimComRecord))
	s.route("POST /_sim/voicemail", s.withSession(s.handleSimVoicemail))
}

// simParty turns an injected party into a stored one: a user of the
// system by login name or number, else an outside party.
func (s *Server) simParty(r *http.Request, p *simPartyIn) (store.ComParty, error) {
	out := store.ComParty{PhoneNumber: strings.TrimSpace(p.ID.PhoneNumber), FirstName: p.FirstName, LastName: p.LastName,
		DisplayName: p.DisplayName}
	if p.Type != nil {
		out.Type, out.SubType = strings.ToUpper(p.Type.Main), p.Type.SubType
	}
	if login := trimLogin(p.ID.LoginName); login != "" {
		id, err := s.userIDOfLogin(r, login)
		if err == nil {
			var d provisioning.UserDetail
			if d, err = s.core.User(r.Context(), systemReader, id); err == nil && d.User.Kind == store.KindUser {
				out.UserID, out.Type = d.User.ID, "USER"
				return out, nil
			}
		}
		return out, errBadParameter("participant %s: no such user", login)
	}
	if out.PhoneNumber != "" {
		if id, err := s.userIDOfPhone(r, out.PhoneNumber); err == nil {
			out.UserID, out.Type = id, "USER"
		} else if out.Type == "" {
			out.Type = "EXTERNAL"
		}
	}
	return out, nil
}

func (s *Server) handleSimComRecord(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := s.target(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in SimComRecord
	if err := s.readJSON(r, &in, false); err != nil {
		s.fail(w, r, err)
		return
	}
	rec := store.ComRecord{ComRef: strings.TrimSpace(in.ComRef), HoldDuration: in.HoldDuration, TransferredBy: in.TransferredBy,
		AssociatedData: in.AssociatedData}
	if rec.ComRef == "" {
		rec.ComRef = rand.Text()
	}
	for _, m := range in.Medias {
		rec.Medias = append(rec.Medias, strings.ToUpper(strings.TrimSpace(m)))
	}
	for _, e := range in.Extensions {
		rec.Extensions = append(rec.Extensions, store.ComTag(e))
	}
	for _, d := range []struct {
		name, v string
		to      *time.Time
	}{{"beginDate", in.BeginDate, &rec.Begin}, {"convDate", in.ConvDate, &rec.Conv}, {"endDate", in.EndDate, &rec.End}} {
		if d.v == "" {
			continue
		}
		if *d.to, err = parseO2GTime(d.name, d.v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	for i, p := range in.Participants {
		if p.Identity == nil {
			s.fail(w, r, errBadParameter("participants[%d]: identity is required", i))
			return
		}
		party, err := s.simParty(r, p.Identity)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		cp := store.ComParticipant{Role: strings.ToUpper(strings.TrimSpace(p.Role)), Answered: p.Answered, Party: party,
			Anonymous: p.Anonymous, Reason: strings.ToUpper(strings.TrimSpace(p.Reason)), Leg: p.Leg}
		if p.InitialCalled != nil {
			ic, err := s.simParty(r, p.InitialCalled)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			cp.InitialCalled = &ic
		}
		rec.Participants = append(rec.Participants, cp)
	}
	ch, err := s.core.AddComRecord(r.Context(), se.who.actor, u.id, rec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.newPartyRenderer(r.Context()).record(ch.Record))
}

// SimVoicemail is the body of POST /_sim/voicemail.
type SimVoicemail struct {
	From         *simPartyIn `json:"from"`
	Duration     *int        `json:"duration"`
	Date         string      `json:"date"`
	HighPriority bool        `json:"highPriority"`
	Audio        []byte      `json:"audio"`
}

// simToneMax caps a generated recording.
const simToneMax = 60

func (s *Server) handleSimVoicemail(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := s.target(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in SimVoicemail
	if err := s.readJSON(r, &in, false); err != nil {
		s.fail(w, r, err)
		return
	}
	msg := store.VoiceMessage{HighPriority: in.HighPriority, Audio: in.Audio}
	if in.From != nil {
		if msg.From, err = s.simParty(r, in.From); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if in.Date != "" {
		if msg.Date, err = parseO2GTime("date", in.Date); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if in.Duration != nil {
		if *in.Duration < 0 {
			s.fail(w, r, errBadParameter("duration must not be negative"))
			return
		}
		msg.Duration = *in.Duration
	}
	if len(msg.Audio) > 0 {
		// Served as a .wav file: it must be one.
		format, channels, rate, bits, dataLen, ok := wavInfo(msg.Audio)
		if !ok {
			s.fail(w, r, errBadParameter("audio is not a WAV (RIFF/WAVE) file"))
			return
		}
		if in.Duration == nil && format == 1 && channels > 0 && rate > 0 && bits > 0 {
			msg.Duration = dataLen / (channels * rate * ((bits + 7) / 8))
		}
	} else {
		if in.Duration == nil {
			msg.Duration = 5
		}
		msg.Audio = toneWAV(max(1, min(msg.Duration, simToneMax)))
	}
	ch, err := s.core.DepositVoiceMessage(r.Context(), se.who.actor, u.id, msg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, voicemailOf(s.newPartyRenderer(r.Context()), ch.Message))
}
