namespace Mix2Api.Soak;

/// <summary>
/// What a soak prints as it goes: figure lines, one <c>PASS|FAIL name: detail</c> line per check, and the verdict
/// line <c>N passed, M failed</c> that ends every run.
/// </summary>
public sealed class SoakReport(TextWriter output)
{
    private readonly List<string> _lines = [];
    private int _passed;
    private int _failed;

    public void Say(string line)
    {
        _lines.Add(line);
        output.WriteLine(line);
        output.Flush();
    }

    public void Check(bool ok, string name, string detail)
    {
        if (ok) _passed++;
        else _failed++;
        Say($"{(ok ? "PASS" : "FAIL")} {name}: {detail}");
    }

    public SoakResult Finish()
    {
        Say($"{_passed} passed, {_failed} failed");
        return new SoakResult(_passed, _failed, _lines);
    }
}
