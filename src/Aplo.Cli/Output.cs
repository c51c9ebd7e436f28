using System.Globalization;
using System.Text;

namespace Aplo.Cli;

/// <summary>Human-readable sizes and aligned tables for a terminal.</summary>
internal static class Output
{
    private static readonly string[] Units = ["KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>
    /// A KiB count as the largest unit that keeps it at or above 1, with at most one decimal: "37 GiB", "1.5 TiB".
    /// Rounded down (free space is never shown larger than it is) unless <paramref name="up"/> (used space).
    /// </summary>
    public static string KiB(long kib, bool up = false)
    {
        double value = kib;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        var shown = (up ? Math.Ceiling(value * 10) : Math.Floor(value * 10)) / 10;
        return shown.ToString(shown == Math.Floor(shown) ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }

    public static string GiB(long gib) => KiB(gib * 1024 * 1024);

    /// <summary>Columns padded to the widest cell, two spaces apart; numbers in columns named in <paramref name="right"/> align right.</summary>
    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, params int[] right)
    {
        var all = rows.ToList();
        var text = new StringBuilder();
        Table(text, 0, header, all.Count, (row, column) => all[row][column], right);
        return text.ToString();
    }

    /// <summary>
    /// <see cref="Table(IReadOnlyList{string}, IEnumerable{IReadOnlyList{string}}, int[])"/> written straight into
    /// <paramref name="text"/>, each line after <paramref name="indent"/> spaces, with cells asked for by row and column
    /// (twice: once to measure, once to write), so a table of 10,000 rows allocates no row lists or lines.
    /// </summary>
    public static void Table(StringBuilder text, int indent, IReadOnlyList<string> header, int rows, Func<int, int, string> cell, params int[] right)
    {
        var widths = new int[header.Count];
        for (var column = 0; column < header.Count; column++)
        {
            widths[column] = header[column].Length;
            for (var row = 0; row < rows; row++)
            {
                widths[column] = Math.Max(widths[column], cell(row, column).Length);
            }
        }

        for (var row = -1; row < rows; row++)
        {
            text.Append(' ', indent);
            var start = text.Length;
            for (var column = 0; column < header.Count; column++)
            {
                var value = row < 0 ? header[column] : cell(row, column);
                var pad = widths[column] - value.Length;
                if (right.Contains(column))
                {
                    text.Append(' ', pad).Append(value);
                }
                else
                {
                    text.Append(value).Append(' ', pad);
                }

                if (column < header.Count - 1)
                {
                    text.Append("  ");
                }
            }

            // As string.TrimEnd: no trailing padding, nor separators before empty last cells.
            var end = text.Length;
            while (end > start && char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }

            text.Length = end;
            text.Append('\n');
        }
    }

    public static string Tags(IReadOnlyDictionary<string, string>? tags) =>
        tags is null || tags.Count == 0 ? "-" : string.Join(",", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key + "=" + t.Value));
}
