package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"diplomacy-timeline/model"
)

// The GraphQL inputs that the store cannot take as they are, turned into the store's:
// one function per input type. IDs are decoded here, each named in its error as the
// client wrote it (the store checks that the records exist), and an omitted patch field
// becomes an unset model.Patch.

// decodeOptID is model.DecodeIntID for an optional ID.
func decodeOptID(field, typ string, id *string) (*int64, error) {
	if id == nil {
		return nil, nil
	}
	n, err := model.DecodeIntID(field, typ, *id)
	return &n, err
}

// decodeIDs decodes a list of IDs; nil stays nil (not given). The store's limit on the
// list is checked first, so that a long list is refused whatever it holds.
func decodeIDs(field, typ string, ids []string) ([]int64, error) {
	if ids == nil {
		return nil, nil
	}
	if len(ids) > model.MaxRefs {
		return nil, model.FieldErrorf(field, "at most %d IDs", model.MaxRefs)
	}
	out := make([]int64, len(ids))
	for i, id := range ids {
		n, err := model.DecodeIntID(field, typ, id)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// patch turns an omittable input field into a patch field: omitted is unset, an explicit
// null is set to nil.
func patch[T any](o graphql.Omittable[T]) model.Patch[T] {
	v, ok := o.ValueOK()
	return model.Patch[T]{Set: ok, Value: v}
}

// patchID is patch for an omittable ID.
func patchID(field, typ string, o graphql.Omittable[*string]) (model.Patch[*int64], error) {
	v, ok := o.ValueOK()
	n, err := decodeOptID(field, typ, v)
	return model.Patch[*int64]{Set: ok, Value: n}, err
}

// patchIDs is patch for an omittable list of IDs.
func patchIDs(field, typ string, o graphql.Omittable[[]string]) (model.Patch[[]int64], error) {
	v, ok := o.ValueOK()
	n, err := decodeIDs(field, typ, v)
	return model.Patch[[]int64]{Set: ok, Value: n}, err
}

func sessionInput(in SessionInput) (out model.SessionInput, err error) {
	out = model.SessionInput{Slug: in.Slug, Title: in.Title, Kind: in.Kind, Start: in.Start, End: in.End,
		Location: in.Location, HostCountryCode: in.HostCountryCode, SubjectCountryCodes: in.SubjectCountryCodes,
		Summary: in.Summary}
	if out.PlatformID, err = decodeOptID("platformId", model.TypePlatform, in.PlatformID); err != nil {
		return out, err
	}
	if out.ParentID, err = decodeOptID("parentId", model.TypeSession, in.ParentID); err != nil {
		return out, err
	}
	out.TopicIDs, err = decodeIDs("topicIds", model.TypeTopic, in.TopicIds)
	return out, err
}

func initiativeInput(in InitiativeInput) (out model.InitiativeInput, err error) {
	out = model.InitiativeInput{Slug: in.Slug, Title: in.Title, Description: in.Description, Status: in.Status,
		ProposedOn: in.ProposedOn, CountryCode: in.CountryCode, Location: in.Location}
	if out.ProposedByID, err = decodeOptID("proposedById", model.TypeOfficial, in.ProposedByID); err != nil {
		return out, err
	}
	if out.PlatformID, err = decodeOptID("platformId", model.TypePlatform, in.PlatformID); err != nil {
		return out, err
	}
	if out.SessionIDs, err = decodeIDs("sessionIds", model.TypeSession, in.SessionIds); err != nil {
		return out, err
	}
	out.TopicIDs, err = decodeIDs("topicIds", model.TypeTopic, in.TopicIds)
	return out, err
}

func statementInput(in StatementInput) (out model.StatementInput, err error) {
	out = model.StatementInput{Date: in.Date, Text: in.Text}
	if out.OfficialID, err = model.DecodeIntID("officialId", model.TypeOfficial, in.OfficialID); err != nil {
		return out, err
	}
	out.SessionID, err = decodeOptID("sessionId", model.TypeSession, in.SessionID)
	return out, err
}

func platformPatch(in PlatformPatch) model.PlatformPatch {
	return model.PlatformPatch{Slug: patch(in.Slug), Name: patch(in.Name), FullName: patch(in.FullName),
		Description: patch(in.Description), Kind: patch(in.Kind), Founded: patch(in.Founded),
		Dissolved: patch(in.Dissolved), Website: patch(in.Website)}
}

func sessionPatch(in SessionPatch) (out model.SessionPatch, err error) {
	out = model.SessionPatch{Slug: patch(in.Slug), Title: patch(in.Title), Kind: patch(in.Kind),
		Start: patch(in.Start), End: patch(in.End), Location: patch(in.Location),
		HostCountryCode: patch(in.HostCountryCode), SubjectCountryCodes: patch(in.SubjectCountryCodes),
		Summary: patch(in.Summary)}
	if out.PlatformID, err = patchID("platformId", model.TypePlatform, in.PlatformID); err != nil {
		return out, err
	}
	if out.ParentID, err = patchID("parentId", model.TypeSession, in.ParentID); err != nil {
		return out, err
	}
	out.TopicIDs, err = patchIDs("topicIds", model.TypeTopic, in.TopicIds)
	return out, err
}

func officialPatch(in OfficialPatch) model.OfficialPatch {
	return model.OfficialPatch{Slug: patch(in.Slug), Name: patch(in.Name), OtherNames: patch(in.OtherNames),
		CountryCode: patch(in.CountryCode)}
}

func initiativePatch(in InitiativePatch) (out model.InitiativePatch, err error) {
	out = model.InitiativePatch{Slug: patch(in.Slug), Title: patch(in.Title), Description: patch(in.Description),
		ProposedOn: patch(in.ProposedOn), CountryCode: patch(in.CountryCode), Location: patch(in.Location)}
	if out.ProposedByID, err = patchID("proposedById", model.TypeOfficial, in.ProposedByID); err != nil {
		return out, err
	}
	if out.PlatformID, err = patchID("platformId", model.TypePlatform, in.PlatformID); err != nil {
		return out, err
	}
	if out.SessionIDs, err = patchIDs("sessionIds", model.TypeSession, in.SessionIds); err != nil {
		return out, err
	}
	out.TopicIDs, err = patchIDs("topicIds", model.TypeTopic, in.TopicIds)
	return out, err
}

func statementPatch(in StatementPatch) (out model.StatementPatch, err error) {
	out = model.StatementPatch{Date: patch(in.Date), Text: patch(in.Text)}
	if out.OfficialID, err = patchID("officialId", model.TypeOfficial, in.OfficialID); err != nil {
		return out, err
	}
	out.SessionID, err = patchID("sessionId", model.TypeSession, in.SessionID)
	return out, err
}

func topicPatch(in TopicPatch) model.TopicPatch {
	return model.TopicPatch{Slug: patch(in.Slug), Name: patch(in.Name), Description: patch(in.Description)}
}

func sourcePatch(in SourcePatch) model.SourcePatch {
	return model.SourcePatch{Title: patch(in.Title), Publisher: patch(in.Publisher), URL: patch(in.URL),
		PublishedOn: patch(in.PublishedOn), Language: patch(in.Language), Excerpt: patch(in.Excerpt)}
}
