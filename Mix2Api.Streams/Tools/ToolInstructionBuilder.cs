using System.Text;
using System.Text.Json;

namespace Mix2Api.Streams.Tools;

/// <summary>
/// Builds the instruction of SPEC §3.1: the JSON reply protocol and every tool with its
/// description and a compact parameter schema. When the text exceeds the cap it is rebuilt with
/// less detail (property notes, then nested types and long descriptions, then enums, then all
/// but names and required parameters) before the tool list itself is cut.
/// </summary>
internal static class ToolInstructionBuilder
{
    private const int PropertyNoteMaxChars = 120;

    private sealed record Detail(int DescriptionChars, bool PropertyNotes, int Depth, bool Enums, bool SignatureOnly);

    public static string Build(IReadOnlyList<ToolDefinition> tools, ToolChoiceKind choice, string? choiceName,
        bool forced, bool parallel, ToolOptions options)
    {
        var max = Math.Max(200, options.InstructionMaxChars);
        var desc = Math.Max(0, options.DescriptionMaxChars);
        Detail[] levels =
        [
            new(desc, true, 4, true, false),
            new(desc, false, 4, true, false),
            new(Math.Min(desc, 160), false, 1, true, false),
            new(Math.Min(desc, 80), false, 1, false, false),
            new(0, false, 0, false, true),
        ];
        var header = Header(choice, choiceName, forced, parallel);
        var sb = new StringBuilder(Math.Min(max, 16384));
        foreach (var level in levels)
        {
            sb.Clear().Append(header);
            foreach (var tool in tools) AppendTool(tool, level, sb);
            if (sb.Length <= max) return sb.ToString();
        }
        return CutList(tools, header, max, levels[^1]);
    }

    private static string Header(ToolChoiceKind choice, string? choiceName, bool forced, bool parallel)
    {
        var sb = new StringBuilder();
        if (choice == ToolChoiceKind.Named && choiceName is not null)
            sb.Append("本轮你必须调用工具 ").Append(choiceName).Append("，禁止直接回答。\n");
        else if (forced)
            sb.Append("本轮你必须从下列工具中选择最合适的一个并调用，禁止直接回答。\n");
        else
            sb.Append("你可以使用下列工具。需要读取、写入、编辑文件或执行命令等操作时请调用工具；确实不需要工具时再直接回答。\n");
        sb.Append("你的整个回复必须是下面一种 JSON（不要加解释、不要加代码块标记）：\n");
        sb.Append("调用一个工具：{\"tool_call\":{\"name\":\"<工具名>\",\"arguments\":{...}}}\n");
        if (parallel)
            sb.Append("同时调用多个工具：{\"tool_calls\":[{\"name\":\"<工具名>\",\"arguments\":{...}}, ...]}\n");
        else
            sb.Append("一次只能调用一个工具。\n");
        if (!forced)
            sb.Append("直接回答：{\"final\":\"<你的回答>\"}\n");
        sb.Append("arguments 必须是符合该工具参数定义的 JSON 对象；参数名与类型照抄定义，字符串按 JSON 规则转义。\n");
        sb.Append("可用工具（参数后带 ? 表示可选，a|b 表示取值之一，T[] 表示数组）：\n");
        return sb.ToString();
    }

    private static void AppendTool(ToolDefinition tool, Detail level, StringBuilder sb)
    {
        sb.Append("- ").Append(tool.Name);
        if (level.SignatureOnly)
        {
            sb.Append('(');
            if (tool.Parameters is { } ps)
            {
                var first = true;
                foreach (var r in CompactSchema.Required(ps))
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    sb.Append(r);
                }
            }
            sb.Append(")\n");
            return;
        }
        if (level.DescriptionChars > 0 && !string.IsNullOrWhiteSpace(tool.Description))
            sb.Append(": ").Append(OneLine(tool.Description, level.DescriptionChars));
        sb.Append("\n  参数: ");
        if (tool.Parameters is { } p) CompactSchema.Render(p, sb, level.Depth, level.Enums);
        else sb.Append("{}");
        sb.Append('\n');
        if (level.PropertyNotes && tool.Parameters is { } schema
            && schema.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
        {
            foreach (var prop in props.EnumerateObject())
            {
                if (prop.Value.ValueKind != JsonValueKind.Object || !prop.Value.TryGetProperty("description", out var d)
                    || d.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(d.GetString())) continue;
                sb.Append("    ").Append(prop.Name).Append(": ").Append(OneLine(d.GetString()!, PropertyNoteMaxChars)).Append('\n');
            }
        }
    }

    /// <summary>Last resort: as many signature lines as fit, then the remaining names, then a hard cut.</summary>
    private static string CutList(IReadOnlyList<ToolDefinition> tools, string header, int max, Detail signatureOnly)
    {
        var sb = new StringBuilder(header);
        var line = new StringBuilder();
        var i = 0;
        for (; i < tools.Count; i++)
        {
            line.Clear();
            AppendTool(tools[i], signatureOnly, line);
            if (sb.Length + line.Length > max - 40) break;
            sb.Append(line);
        }
        if (i < tools.Count)
        {
            sb.Append("- 其余工具（参数略）：");
            for (var j = i; j < tools.Count && sb.Length + tools[j].Name.Length + 2 <= max; j++)
                sb.Append(tools[j].Name).Append(j + 1 < tools.Count ? "、" : "");
            sb.Append('\n');
        }
        return sb.Length <= max ? sb.ToString() : sb.ToString(0, max);
    }

    private static string OneLine(string text, int maxChars)
    {
        var s = text.Trim().ReplaceLineEndings(" ");
        return s.Length <= maxChars ? s : string.Concat(s.AsSpan(0, Math.Max(0, maxChars - 1)), "…");
    }
}
