namespace Mix2Api.Streams.Protocol;

public enum ChatRole
{
    /// <summary><c>system</c>, and <c>developer</c> (new-api rewrites the first system message to it).</summary>
    System,
    User,
    Assistant,
    Tool,
    /// <summary>Legacy <c>role:"function"</c> result messages.</summary>
    Function,
}
