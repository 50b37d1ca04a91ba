package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"reviewdesk/review"
)

func usersCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Manage accounts for team mode: add, list, disable, enable, passwd, role",
		Long: `users manages the accounts that log in to a team server (reviewdesk serve). Roles:
  reviewer    works the queue and sees their own stats
  supervisor  also the dashboard, reopening decisions, adjudication, rules and exports
  admin       also users
Passwords are read from the terminal, or from standard input with --password-stdin, and stored as bcrypt hashes.`,
	}
	var passwordStdin bool
	readPassword := func(name string) (string, error) {
		if passwordStdin || !term.IsTerminal(int(os.Stdin.Fd())) {
			line, err := bufio.NewReader(os.Stdin).ReadString('\n')
			if err != nil && err != io.EOF {
				return "", fmt.Errorf("read password: %w", err)
			}
			return strings.TrimRight(line, "\r\n"), nil
		}
		fmt.Fprintf(os.Stderr, "password for %s: ", name)
		p1, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprintf(os.Stderr, "again: ")
		p2, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", review.Errorf(review.Invalid, "the two passwords differ")
		}
		return string(p1), nil
	}
	var role string
	add := &cobra.Command{
		Use:   "add NAME",
		Short: "Add an account",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := review.ParseRole(role)
			if err != nil {
				return err
			}
			st, svc, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			pw, err := readPassword(args[0])
			if err != nil {
				return err
			}
			if err := svc.AddUser(cmd.Context(), g.user, args[0], r, pw); err != nil {
				return err
			}
			fmt.Printf("added %s (%s)\n", args[0], r)
			return nil
		},
	}
	add.Flags().StringVar(&role, "role", "reviewer", "reviewer, supervisor or admin")
	add.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	list := &cobra.Command{
		Use:   "list",
		Short: "List accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, svc, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			users, err := svc.Users(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(w, "name\trole\tstate\tcreated")
			for _, u := range users {
				state := "active"
				if u.Disabled {
					state = "disabled"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", u.Name, u.Role, state, u.CreatedAt.Format("2006-01-02"))
			}
			return w.Flush()
		},
	}
	setDisabled := func(use, short string, disabled bool) *cobra.Command {
		return &cobra.Command{
			Use: use + " NAME", Short: short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				st, svc, err := g.open(cmd.Context())
				if err != nil {
					return err
				}
				defer st.Close()
				if err := svc.SetDisabled(cmd.Context(), g.user, args[0], disabled); err != nil {
					return err
				}
				fmt.Printf("%s: %sd\n", args[0], use)
				return nil
			},
		}
	}
	passwd := &cobra.Command{
		Use: "passwd NAME", Short: "Set an account's password", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, svc, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			pw, err := readPassword(args[0])
			if err != nil {
				return err
			}
			if err := svc.SetPassword(cmd.Context(), g.user, args[0], pw); err != nil {
				return err
			}
			fmt.Printf("%s: password changed\n", args[0])
			return nil
		},
	}
	passwd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	setRole := &cobra.Command{
		Use: "role NAME ROLE", Short: "Change an account's role", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := review.ParseRole(args[1])
			if err != nil {
				return err
			}
			st, svc, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := svc.SetRole(cmd.Context(), g.user, args[0], r); err != nil {
				return err
			}
			fmt.Printf("%s: now %s\n", args[0], r)
			return nil
		},
	}
	var label string
	token := &cobra.Command{
		Use: "token NAME", Short: "Create an API token for scripts (printed once; send it as Authorization: Bearer TOKEN)",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, svc, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			t, err := svc.AddToken(cmd.Context(), g.user, args[0], label)
			if err != nil {
				return err
			}
			fmt.Println(t)
			return nil
		},
	}
	token.Flags().StringVar(&label, "label", "script", "what the token is for")
	revoke := &cobra.Command{
		Use: "revoke-tokens NAME", Short: "Revoke every API token of an account", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, _, err := g.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			n, err := st.RevokeTokens(cmd.Context(), g.user, args[0])
			if err != nil {
				return err
			}
			fmt.Printf("%s: %d tokens revoked\n", args[0], n)
			return nil
		},
	}
	cmd.AddCommand(token, revoke)
	cmd.AddCommand(add, list, setDisabled("disable", "Disable an account (it can no longer log in)", true),
		setDisabled("enable", "Enable a disabled account", false), passwd, setRole)
	return cmd
}
