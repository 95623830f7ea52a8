namespace Calendar.Core.Events;

/// <summary>An input whose text is cleaned (trimmed, blanks made absent, case folded) before its validator judges
/// it, so that what is judged is what gets stored.</summary>
public interface INormalizable<T>
{
    T Normalized();
}
