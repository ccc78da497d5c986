package db

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"diplomacy-timeline/model"
)

// datasetKey is the settings row recording that the default dataset was loaded, so that
// it is loaded once: a restart neither duplicates it nor brings back what users deleted.
const datasetKey = "default_dataset_loaded"

// loadDefaultDataset loads the default dataset — the C5+1 special session on Afghanistan
// in Astana on 2023-07-28, as reported by Kazinform — into a database that never had it
// and holds no platforms, sessions or officials of its own.
func (s *Store) loadDefaultDataset(ctx context.Context) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var marks, records int64
		if err := tx.Table("settings").Where("key = ?", datasetKey).Count(&marks).Error; err != nil {
			return fmt.Errorf("default dataset: %w", err)
		}
		if marks > 0 {
			return nil
		}
		for _, t := range []string{"platforms", "sessions", "officials"} {
			var n int64
			if err := tx.Table(t).Count(&n).Error; err != nil {
				return fmt.Errorf("default dataset: %w", err)
			}
			records += n
		}
		if records == 0 {
			if err := seed(ctx, tx); err != nil {
				return fmt.Errorf("default dataset: %w", err)
			}
			s.log.Info("loaded the default dataset")
		}
		return tx.Exec("INSERT INTO settings (key, value) VALUES (?, 'true')", datasetKey).Error
	})
}

// seeder builds the dataset in one transaction through the same validating functions the
// mutations use, stopping at the first error.
type seeder struct {
	ctx    context.Context
	tx     *gorm.DB
	err    error
	topics map[string]int64
}

func (sd *seeder) do(fn func() error) {
	if sd.err == nil {
		sd.err = fn()
	}
}

func ptr[T any](v T) *T { return &v }

func date(s string) *model.Date { return ptr(model.MustParseDate(s)) }

func seed(ctx context.Context, tx *gorm.DB) error {
	sd := &seeder{ctx: ctx, tx: tx, topics: map[string]int64{}}
	for _, t := range []struct{ slug, name string }{
		{"humanitarian-assistance", "Humanitarian assistance"},
		{"human-rights", "Human rights"},
		{"international-cooperation", "International cooperation"},
		{"security", "Security"},
		{"counter-terrorism", "Counter-terrorism"},
		{"sustainable-development", "Sustainable development"},
		{"trade-and-investment", "Trade and investment"},
	} {
		topic := &model.Topic{Slug: t.slug, Name: t.name}
		sd.do(func() error { return saveTopic(ctx, tx, topic) })
		sd.topics[t.slug] = topic.ID
	}

	kazinform := &model.Source{
		Title:       "US Special Representative for Afghanistan Thomas West attends C5+1 special session in Astana",
		Publisher:   ptr("Kazinform"),
		PublishedOn: date("2023-07-28"),
		Language:    ptr("en"),
		Excerpt: ptr("US Special Representative for Afghanistan Thomas West visited Astana to attend the C5+1 special session on Afghanistan, " +
			"Kazinform cites the press service of the Kazakh MFA."),
	}
	sd.do(func() error { return saveSource(ctx, tx, kazinform) })

	c5 := &model.Platform{
		Slug: "c5-plus-1", Name: "C5+1", Kind: model.PlatformKindFormat, Founded: date("2015"),
		FullName: ptr("C5+1: Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan and the United States"),
		Description: ptr("A regional diplomatic platform for the interaction of the five countries of Central Asia " +
			"(Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan) with the United States in trade, " +
			"economic and other areas of mutual interest."),
	}
	sd.do(func() error { return savePlatform(ctx, tx, c5) })
	for _, code := range []string{"KZ", "KG", "TJ", "TM", "UZ", "US"} {
		m := &model.PlatformMember{PlatformID: c5.ID, CountryCode: code, Role: model.MembershipRoleMember, Since: date("2015")}
		sd.do(func() error { return addMember(ctx, tx, m) })
	}
	sd.cite(model.TypePlatform, c5.ID, kazinform.ID, "For reference: C5+1 is a regional diplomatic platform founded in 2015 for the interaction "+
		"of five countries of the region (Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan) with the United States "+
		"in trade, economic and other areas of mutual interest.")

	mfaKZ := "Ministry of Foreign Affairs of the Republic of Kazakhstan"
	west := sd.official("thomas-west", "Thomas West", "US", "Special Representative for Afghanistan", "U.S. Department of State")
	kaliyev := sd.official("talgat-kaliyev", "Talgat Kaliyev", "KZ", "Ambassador-at-Large", mfaKZ)
	umarov := sd.official("kairat-umarov", "Kairat Umarov", "KZ", "First Deputy Minister of Foreign Affairs", mfaKZ)
	tokayev := sd.official("kassym-jomart-tokayev", "Kassym-Jomart Tokayev", "KZ", "President of Kazakhstan", "Republic of Kazakhstan")

	astana := model.Location{City: ptr("Astana"), CountryCode: ptr("KZ"), Latitude: ptr(51.1694), Longitude: ptr(71.4491)}
	special := &model.Session{
		Slug: "c5-plus-1-special-session-on-afghanistan-2023", Title: "C5+1 Special Session on Afghanistan",
		Kind: model.SessionKindSpecialSession, PlatformID: &c5.ID, Start: model.MustParseDate("2023-07-28"),
		Location: astana, HostCountryCode: ptr("KZ"),
		Summary: ptr("Representatives of Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan and the United States " +
			"discussed the provision of humanitarian assistance, the protection of human rights, international cooperation " +
			"with Afghanistan, and ensuring security and combating terrorism."),
	}
	special.Location.Venue = ptr("Ministry of Foreign Affairs of Kazakhstan")
	sd.session(special, []string{"AF"}, "humanitarian-assistance", "human-rights", "international-cooperation", "security", "counter-terrorism")
	sd.participant(special.ID, west.ID, "US Special Representative for Afghanistan", "US")
	sd.participant(special.ID, kaliyev.ID, "Representative of the Kazakh side", "KZ")
	sd.cite(model.TypeSession, special.ID, kazinform.ID, "Within the framework of this session, which was held at the site of the Kazakh "+
		"Foreign Ministry, representatives of Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan and the United States "+
		"discussed a number of issues on the provision of humanitarian assistance, the protection of human rights, international "+
		"cooperation with Afghanistan, as well as ensuring security and combating terrorism.")

	meeting := &model.Session{
		Slug: "west-umarov-meeting-2023", Title: "Meeting of Thomas West and Kairat Umarov",
		Kind: model.SessionKindBilateralMeeting, ParentID: &special.ID, Start: model.MustParseDate("2023-07-28"),
		Location: astana, HostCountryCode: ptr("KZ"),
		Summary: ptr("The US Special Representative was received by the First Deputy Minister of Foreign Affairs of Kazakhstan. " +
			"The sides discussed assistance to the Afghan people and the stabilisation of Afghanistan's social and economic situation."),
	}
	sd.session(meeting, []string{"AF"}, "humanitarian-assistance", "international-cooperation")
	sd.participant(meeting.ID, west.ID, "US Special Representative for Afghanistan", "US")
	sd.participant(meeting.ID, umarov.ID, "First Deputy Minister of Foreign Affairs", "KZ")
	sd.cite(model.TypeSession, meeting.ID, kazinform.ID, "The US Special Representative was received by the First Deputy Minister "+
		"of Foreign Affairs of the Republic of Kazakhstan Kairat Umarov.")

	centre := &model.Initiative{
		Slug: "un-regional-centre-sustainable-development-almaty", Title: "UN Regional Centre for Sustainable Development in Almaty",
		Description: ptr("Initiative of President Kassym-Jomart Tokayev to establish a UN Regional Centre for Sustainable Development " +
			"in Almaty, aimed at promoting cooperation between the countries of Central Asia and Afghanistan in socio-economic " +
			"and trade-investment development."),
		Status: model.InitiativeStatusProposed, ProposedByID: &tokayev.ID, CountryCode: ptr("KZ"),
		Location: model.Location{City: ptr("Almaty"), CountryCode: ptr("KZ"), Latitude: ptr(43.2383), Longitude: ptr(76.9453)},
	}
	sd.do(func() error { return saveInitiative(ctx, tx, centre) })
	sd.do(func() error {
		return setInitiativeLinksByKey(ctx, tx, centre.ID, []int64{meeting.ID}, []int64{sd.topics["sustainable-development"], sd.topics["trade-and-investment"]})
	})
	sd.do(func() error {
		return setStatus(ctx, tx, centre, &model.InitiativeStatusChange{InitiativeID: centre.ID, Status: model.InitiativeStatusProposed,
			On: model.MustParseDate("2023-07-28"), Note: ptr("Reported as proposed when raised at the West–Umarov meeting in Astana.")})
	})
	sd.cite(model.TypeInitiative, centre.ID, kazinform.ID, "In particular, attention was drawn to the initiative of President of "+
		"Kazakhstan Kassym-Jomart Tokayev to establish the UN Regional Centre for Sustainable Development in Almaty, which is aimed "+
		"at promoting cooperation between the countries of Central Asia and Afghanistan in the areas of socio-economic and trade "+
		"investment development.")

	sd.statement(kaliyev.ID, special.ID, kazinform.ID,
		"Drew the attention of the session participants to the importance of a single agreed pragmatic approach to the issue of stabilizing the situation in Afghanistan.",
		"Ambassador-at-Large of the Ministry of Foreign Affairs of the Republic of Kazakhstan Talgat Kaliyev, representing the Kazakh side, "+
			"drew the attention of the session participants to the importance of a single agreed pragmatic approach to the issue of "+
			"stabilizing the situation in Afghanistan.")
	sd.statement(umarov.ID, meeting.ID, kazinform.ID,
		"Kazakhstan is in favor of joining international efforts to provide assistance to Afghanistan and find ways out of the country's difficult humanitarian crisis.",
		"Umarov stressed that Kazakhstan is in favor of joining international efforts to provide assistance to Afghanistan and find "+
			"ways out of the country's difficult humanitarian crisis.")
	sd.statement(west.ID, meeting.ID, kazinform.ID,
		"The American side welcomed the measures taken by the Government of Kazakhstan to provide assistance to the Afghan people, noting measures to stabilize the social and economic situation.",
		"During the meeting, the American side welcomed the measures taken by the Government of Kazakhstan to provide assistance to "+
			"the Afghan people, noting measures to stabilize the social and economic situation.")
	sd.do(func() error { return reindexAll(ctx, tx) })
	return sd.err
}

func (sd *seeder) official(slug, name, country, title, organization string) *model.Official {
	o := &model.Official{Slug: slug, Name: name, CountryCode: &country}
	sd.do(func() error { return saveOfficial(sd.ctx, sd.tx, o) })
	sd.do(func() error {
		return addPosition(sd.ctx, sd.tx, &model.Position{OfficialID: o.ID, Title: title, Organization: &organization, CountryCode: &country})
	})
	return o
}

func (sd *seeder) session(x *model.Session, subjects []string, topics ...string) {
	sd.do(func() error { return saveSession(sd.ctx, sd.tx, x) })
	keys := make([]int64, len(topics))
	for i, t := range topics {
		keys[i] = sd.topics[t]
	}
	sd.do(func() error {
		return replaceLinks(sd.ctx, sd.tx, "session_subject_countries", "session_id", "country_code", x.ID, subjects)
	})
	sd.do(func() error {
		return replaceLinks(sd.ctx, sd.tx, "session_topics", "session_id", "topic_id", x.ID, keys)
	})
}

func (sd *seeder) participant(session, official int64, role, country string) {
	sd.do(func() error {
		return addParticipant(sd.ctx, sd.tx, &model.Participant{SessionID: session, OfficialID: official, Role: &role, CountryCode: &country})
	})
}

func (sd *seeder) statement(official, session, source int64, text, excerpt string) {
	st := &model.Statement{OfficialID: official, SessionID: &session, Date: model.MustParseDate("2023-07-28"), Text: text}
	sd.do(func() error { return saveStatement(sd.ctx, sd.tx, st) })
	sd.cite(model.TypeStatement, st.ID, source, excerpt)
}

func (sd *seeder) cite(typ string, subject, source int64, excerpt string) {
	sd.do(func() error { return cite(sd.ctx, sd.tx, typ, subject, source, &excerpt) })
}

// setInitiativeLinksByKey replaces the session and topic links of an initiative given
// primary keys.
func setInitiativeLinksByKey(ctx context.Context, tx *gorm.DB, id int64, sessions, topics []int64) error {
	if err := replaceLinks(ctx, tx, "initiative_sessions", "initiative_id", "session_id", id, sessions); err != nil {
		return err
	}
	return replaceLinks(ctx, tx, "initiative_topics", "initiative_id", "topic_id", id, topics)
}
