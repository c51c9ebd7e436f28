using System.Text;

namespace Aplo.Cli;

/// <summary>Shell completion generated from the command tree, so it never drifts from the commands.</summary>
internal static class Completion
{
    public static readonly Command Tree = new("completion", "Print a shell completion script", "bash|zsh")
    {
        Run = RunAsync,
    };

    private static async Task<int> RunAsync(Invocation i)
    {
        var shell = i.Line.Argument("shell (bash or zsh)");
        var script = shell switch
        {
            "bash" => Bash(CliApp.Root, CliApp.GlobalFlags),
            "zsh" => "autoload -U +X bashcompinit && bashcompinit\n" + Bash(CliApp.Root, CliApp.GlobalFlags),
            _ => throw new UsageException($"'{shell}' is not a shell aplo completes: bash or zsh"),
        };
        await i.Out.WriteAsync(script);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// A bash function that walks the words typed so far down the command tree, then offers that command's
    /// subcommands and flags (and files after --json or --persistent-volume-file).
    /// </summary>
    internal static string Bash(Command root, IReadOnlyList<Flag> globals)
    {
        var paths = new List<(string Path, Command Command)>();
        Walk(root, string.Empty, paths);
        var globalWords = string.Join(' ', globals.Select(f => "--" + f.Name));
        var text = new StringBuilder();
        text.Append("# aplo bash completion: source it, or put it in /etc/bash_completion.d/aplo\n");
        text.Append("_aplo() {\n");
        text.Append("    local cur prev word path= i\n");
        text.Append("    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n");
        text.Append("    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n");
        text.Append("    case \"$prev\" in\n");
        text.Append("        --json|-j|--persistent-volume-file|--tls-cert|-C) COMPREPLY=( $(compgen -f -- \"$cur\") ); return 0 ;;\n");
        text.Append("    esac\n");
        text.Append("    for (( i=1; i<COMP_CWORD; i++ )); do\n");
        text.Append("        word=\"${COMP_WORDS[i]}\"\n");
        text.Append("        case \"$word\" in -*) continue ;; esac\n");
        text.Append("        case \"${path:+$path }$word\" in\n");
        text.Append("            ").Append(string.Join('|', paths.Where(p => p.Path.Length > 0).Select(p => Quote(p.Path)))).Append(") path=\"${path:+$path }$word\" ;;\n");
        text.Append("        esac\n");
        text.Append("    done\n");
        text.Append("    local words\n");
        text.Append("    case \"$path\" in\n");
        foreach (var (path, command) in paths)
        {
            var words = command.Children.Select(c => c.Name).Concat(command.Flags.Select(f => "--" + f.Name));
            if (command.Name == "completion")
            {
                words = words.Concat(["bash", "zsh"]);
            }

            text.Append("        ").Append(Quote(path)).Append(") words=\"").Append(string.Join(' ', words)).Append("\" ;;\n");
        }

        text.Append("    esac\n");
        text.Append("    if [[ \"$cur\" == -* ]]; then words=\"$words ").Append(globalWords).Append("\"; fi\n");
        text.Append("    COMPREPLY=( $(compgen -W \"$words\" -- \"$cur\") )\n");
        text.Append("}\n");
        text.Append("complete -F _aplo aplo\n");
        return text.ToString();
    }

    private static void Walk(Command command, string path, List<(string, Command)> paths)
    {
        paths.Add((path, command));
        foreach (var child in command.Children)
        {
            Walk(child, path.Length == 0 ? child.Name : path + " " + child.Name, paths);
        }
    }

    private static string Quote(string path) => "\"" + path + "\"";
}
