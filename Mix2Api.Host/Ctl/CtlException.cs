namespace Mix2Api.Host.Ctl;

/// <summary>A failure `ctl` reports as one line (`ctl: …`) and a non-zero exit: unreachable node, wrong token, unknown id.</summary>
public sealed class CtlException(string message) : Exception(message);
