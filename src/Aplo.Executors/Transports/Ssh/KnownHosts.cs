using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Aplo.Executors.Transports.Ssh;

/// <summary>
/// An OpenSSH known_hosts file: plain and hashed (<c>|1|salt|hash</c>) host patterns, <c>[host]:port</c>,
/// wildcards, negation and <c>@revoked</c>. <c>@cert-authority</c> lines are ignored: Aplo does not accept
/// host certificates.
/// </summary>
public sealed class KnownHosts
{
    private readonly List<Entry> entries;

    private KnownHosts(List<Entry> entries)
    {
        this.entries = entries;
    }

    public static KnownHosts Load(string path) => Parse(File.ReadAllText(path));

    public static KnownHosts Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<Entry>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var marker = string.Empty;
            if (fields[0].StartsWith('@'))
            {
                marker = fields[0];
                fields = fields[1..];
            }

            if (fields.Length < 3 || marker is not ("" or "@revoked"))
            {
                continue;
            }

            byte[] key;
            try
            {
                key = Convert.FromBase64String(fields[2]);
            }
            catch (FormatException)
            {
                continue;
            }

            entries.Add(new Entry(fields[0], fields[1], key, marker == "@revoked"));
        }

        return new KnownHosts(entries);
    }

    /// <summary>Checks <paramref name="hostKey"/> (the SSH wire-format key blob) for <paramref name="host"/>.</summary>
    public KnownHostVerdict Check(string host, int port, byte[] hostKey)
    {
        ArgumentNullException.ThrowIfNull(hostKey);
        var name = port == 22 ? host : $"[{host}]:{port}";
        var matching = entries.Where(e => e.Matches(name)).ToList();
        if (matching.Any(e => e.Revoked && CryptographicOperations.FixedTimeEquals(e.Key, hostKey)))
        {
            return KnownHostVerdict.Revoked;
        }

        var listed = matching.Where(e => !e.Revoked).ToList();
        if (listed.Any(e => CryptographicOperations.FixedTimeEquals(e.Key, hostKey)))
        {
            return KnownHostVerdict.Trusted;
        }

        return listed.Count > 0 ? KnownHostVerdict.Mismatch : KnownHostVerdict.Unknown;
    }

    private sealed record Entry(string Patterns, string KeyType, byte[] Key, bool Revoked)
    {
        public bool Matches(string name)
        {
            if (Patterns.StartsWith("|1|", StringComparison.Ordinal))
            {
                return HashedMatches(Patterns, name);
            }

            var matched = false;
            foreach (var pattern in Patterns.Split(','))
            {
                var negated = pattern.StartsWith('!');
                if (Glob(negated ? pattern[1..] : pattern, name))
                {
                    if (negated)
                    {
                        return false;
                    }

                    matched = true;
                }
            }

            return matched;
        }

        [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "OpenSSH's hashed known_hosts format is defined with HMAC-SHA1.")]
        private static bool HashedMatches(string field, string name)
        {
            var parts = field.Split('|');
            if (parts.Length != 4)
            {
                return false;
            }

            try
            {
                var salt = Convert.FromBase64String(parts[2]);
                var hash = Convert.FromBase64String(parts[3]);
                var mine = HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes(name));
                return CryptographicOperations.FixedTimeEquals(mine, hash);
            }
            catch (FormatException)
            {
                return false;
            }
        }

        private static bool Glob(string pattern, string name)
        {
            if (!pattern.Contains('*', StringComparison.Ordinal) && !pattern.Contains('?', StringComparison.Ordinal))
            {
                return string.Equals(pattern, name, StringComparison.OrdinalIgnoreCase);
            }

            var regex = "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$";
            return Regex.IsMatch(name, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
    }
}
