package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"diplomacy-timeline/model"
)

// The GraphQL inputs that the store cannot take as they are, turned into the store's:
// one function per input type. An omitted patch field becomes an unset model.Patch.

// patch turns an omittable input field into a patch field: omitted is unset, an explicit
// null is set to nil.
func patch[T any](o graphql.Omittable[T]) model.Patch[T] {
	v, ok := o.ValueOK()
	return model.Patch[T]{Set: ok, Value: v}
}

func platformPatch(in PlatformPatch) model.PlatformPatch {
	return model.PlatformPatch{Slug: patch(in.Slug), Name: patch(in.Name), FullName: patch(in.FullName),
		Description: patch(in.Description), Kind: patch(in.Kind), Founded: patch(in.Founded),
		Dissolved: patch(in.Dissolved), Website: patch(in.Website)}
}

func sessionPatch(in SessionPatch) model.SessionPatch {
	return model.SessionPatch{Slug: patch(in.Slug), Title: patch(in.Title), Kind: patch(in.Kind),
		PlatformID: patch(in.PlatformID), ParentID: patch(in.ParentID), Start: patch(in.Start), End: patch(in.End),
		Location: patch(in.Location), HostCountryCode: patch(in.HostCountryCode),
		SubjectCountryCodes: patch(in.SubjectCountryCodes), TopicIds: patch(in.TopicIds), Summary: patch(in.Summary)}
}

func officialPatch(in OfficialPatch) model.OfficialPatch {
	return model.OfficialPatch{Slug: patch(in.Slug), Name: patch(in.Name), OtherNames: patch(in.OtherNames),
		CountryCode: patch(in.CountryCode)}
}

func initiativePatch(in InitiativePatch) model.InitiativePatch {
	return model.InitiativePatch{Slug: patch(in.Slug), Title: patch(in.Title), Description: patch(in.Description),
		ProposedOn: patch(in.ProposedOn), ProposedByID: patch(in.ProposedByID), CountryCode: patch(in.CountryCode),
		Location: patch(in.Location), PlatformID: patch(in.PlatformID), SessionIds: patch(in.SessionIds),
		TopicIds: patch(in.TopicIds)}
}

func statementPatch(in StatementPatch) model.StatementPatch {
	return model.StatementPatch{OfficialID: patch(in.OfficialID), SessionID: patch(in.SessionID),
		Date: patch(in.Date), Text: patch(in.Text)}
}

func topicPatch(in TopicPatch) model.TopicPatch {
	return model.TopicPatch{Slug: patch(in.Slug), Name: patch(in.Name), Description: patch(in.Description)}
}

func sourcePatch(in SourcePatch) model.SourcePatch {
	return model.SourcePatch{Title: patch(in.Title), Publisher: patch(in.Publisher), URL: patch(in.URL),
		PublishedOn: patch(in.PublishedOn), Language: patch(in.Language), Excerpt: patch(in.Excerpt)}
}
