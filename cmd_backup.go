package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"reviewdesk/review"
	"reviewdesk/store"
)

func backupCommand(g *globals) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "backup --to FILE",
		Short: "Copy the database to a file while reviewers keep working",
		Long: `backup takes a consistent copy of the database with SQLite's online backup. Reviewers and a running
server keep working meanwhile. The file appears only when the copy is complete and checked.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if to == "" {
				return usageError{fmt.Errorf("--to FILE is required")}
			}
			st, err := store.Open(cmd.Context(), g.db, store.Options{})
			if err != nil {
				return err
			}
			defer st.Close()
			pages, err := st.Backup(cmd.Context(), to)
			if err != nil {
				return err
			}
			if err := store.CheckBackup(cmd.Context(), to); err != nil {
				return err
			}
			fi, _ := os.Stat(to)
			fmt.Printf("backed up %s to %s (%d pages, %.1f MB)\n", st.Path(), to, pages, float64(fi.Size())/1e6)
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "backup file to write")
	return cmd
}

func restoreCommand(g *globals) *cobra.Command {
	var from string
	var force bool
	cmd := &cobra.Command{
		Use:   "restore --from FILE",
		Short: "Replace the database with a backup",
		Long: `restore checks a backup (integrity and schema version) and replaces the whole database (--db) with it.
Stop the server first. Without --force, restore refuses to overwrite a database that holds items.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" {
				return usageError{fmt.Errorf("--from FILE is required")}
			}
			ctx := cmd.Context()
			if err := store.CheckBackup(ctx, from); err != nil {
				return err
			}
			if _, err := os.Stat(g.db); err == nil && !force {
				st, err := store.Open(ctx, g.db, store.Options{})
				if err != nil {
					return err
				}
				counts, err := st.StatusCounts(ctx)
				st.Close()
				if err != nil {
					return err
				}
				n := 0
				for _, c := range counts {
					n += c
				}
				if n > 0 {
					return review.Errorf(review.Conflict, "%s holds %d items; add --force to replace them with the backup", g.db, n)
				}
			}
			pages, err := store.Restore(ctx, from, g.db)
			if err != nil {
				return err
			}
			fmt.Printf("restored %s from %s (%d pages)\n", g.db, from, pages)
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "backup file to restore")
	cmd.Flags().BoolVar(&force, "force", false, "replace a database that holds items")
	return cmd
}
