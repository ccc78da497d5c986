package db

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// datasetKey is the settings row recording that the default dataset was loaded (or that
// the database was filled otherwise, by an import or the generator), so that it is loaded
// once: a restart neither duplicates it nor brings back what users deleted.
const datasetKey = "default_dataset_loaded"

// loadDefaultDataset fills the database with seed — the default dataset, which package
// db/dataset provides — if it never had it and holds no platforms, sessions or officials
// of its own. The check, the seed and the marker are one transaction.
func (s *Store) loadDefaultDataset(ctx context.Context, seed func(ctx context.Context, tx *Tx) error) error {
	return s.write(context.WithValue(ctx, unannouncedKey{}, true), func(tx *gorm.DB) error {
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
			if err := seed(ctx, &Tx{gdb: tx}); err != nil {
				return fmt.Errorf("default dataset: %w", err)
			}
			s.log.Info("loaded the default dataset")
		}
		return tx.Exec("INSERT INTO settings (key, value) VALUES (?, 'true')", datasetKey).Error
	})
}
