package dataset

import (
	"bytes"
	"context"
	_ "embed"

	"diplomacy-timeline/db"
)

// defaultDataset is the default dataset: the C5+1 special session on Afghanistan in Astana
// on 2023-07-28, as reported by Kazinform, in the dataset format. Its records are in the
// order they were first created in, not in an export's canonical order, so that importing
// it gives every row the key it has always had (Official 1 is Thomas West; the statements
// come on the timeline as they were recorded).
//
//go:embed default.json
var defaultDataset []byte

// LoadDefault imports the default dataset in tx, through the same import as a file given
// to `import`. It is the db.Options.Seed of the server: Open calls it once, for a new
// database.
func LoadDefault(ctx context.Context, tx *db.Tx) error {
	_, err := importInto(ctx, tx, bytes.NewReader(defaultDataset), nil)
	return err
}
