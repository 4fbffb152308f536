using System.Text;

namespace Mix2Api.Bench;

/// <summary>Rows of text cells, rendered as an aligned plain-text table (stdout) or a markdown table (docs).</summary>
public sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public Table Row(params string[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"expected {headers.Length} cells, got {cells.Length}");
        _rows.Add(cells);
        return this;
    }

    public string ToText()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        Line(text, headers, widths);
        text.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var row in _rows) Line(text, row, widths);
        return text.ToString();
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| ").Append(string.Join(" | ", headers)).Append(" |\n");
        text.Append('|').Append(string.Join('|', headers.Select(_ => "---"))).Append("|\n");
        foreach (var row in _rows) text.Append("| ").Append(string.Join(" | ", row.Select(c => c.Replace("|", "\\|")))).Append(" |\n");
        return text.ToString();
    }

    private static void Line(StringBuilder text, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0) text.Append("  ");
            text.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i]));
        }
        text.Append('\n');
    }
}
