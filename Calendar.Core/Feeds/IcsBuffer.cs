using System.Buffers;
using System.Globalization;
using System.Text;

namespace Calendar.Core.Feeds;

/// <summary>
/// RFC 5545 content lines written as UTF-8 into a pooled buffer: CRLF endings, lines folded at 75 octets
/// without ever splitting a character (a split character shows as "��" in Google), TEXT escaping.
/// </summary>
internal sealed class IcsBuffer : IDisposable
{
    private const int MaxOctets = 75;
    private byte[] _buffer;
    private int _length;
    private int _column; // octets on the current physical line

    public IcsBuffer(int capacity = 64 * 1024) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public int Length => _length;

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Lines that are known to be short ASCII with CRLF already (VTIMEZONE blocks).</summary>
    public void Raw(string asciiLines)
    {
        Ensure(asciiLines.Length);
        _length += Encoding.ASCII.GetBytes(asciiLines, _buffer.AsSpan(_length));
    }

    /// <summary>Starts a content line with its name and parameters (ASCII).</summary>
    public IcsBuffer Name(string nameAndParameters)
    {
        _column = 0;
        Ascii(nameAndParameters);
        Ascii(":");
        return this;
    }

    public void End()
    {
        Ensure(2);
        _buffer[_length++] = (byte)'\r';
        _buffer[_length++] = (byte)'\n';
        _column = 0;
    }

    public void Line(string nameAndParameters, string asciiValue)
    {
        Name(nameAndParameters).Ascii(asciiValue);
        End();
    }

    public void TextLine(string nameAndParameters, string text)
    {
        Name(nameAndParameters).Text(text);
        End();
    }

    /// <summary>A value that needs no escaping (URIs, dates, numbers, tokens). Control characters are dropped.</summary>
    public IcsBuffer Ascii(string value)
    {
        var span = value.AsSpan();
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (c < 0x80) { if (c >= 0x20 && c != 0x7F) Byte((byte)c); }
            else NonAscii(span, ref i);
        }
        return this;
    }

    public IcsBuffer Number(int value)
    {
        Span<char> digits = stackalloc char[12];
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        foreach (var c in digits[..written]) Byte((byte)c);
        return this;
    }

    public IcsBuffer DateTime(DateTime value, bool utc)
    {
        Span<char> chars = stackalloc char[16];
        value.TryFormat(chars, out var written, utc ? "yyyyMMdd'T'HHmmss'Z'" : "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        foreach (var c in chars[..written]) Byte((byte)c);
        return this;
    }

    public IcsBuffer Date(DateOnly value)
    {
        Span<char> chars = stackalloc char[8];
        value.TryFormat(chars, out var written, "yyyyMMdd", CultureInfo.InvariantCulture);
        foreach (var c in chars[..written]) Byte((byte)c);
        return this;
    }

    /// <summary>TEXT (RFC 5545 3.3.11): backslash, semicolon and comma escaped; any line break becomes \n;
    /// other control characters are dropped, so nothing in user text can end the line or start a component.</summary>
    public IcsBuffer Text(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\\': Byte((byte)'\\'); Byte((byte)'\\'); break;
                case ';': Byte((byte)'\\'); Byte((byte)';'); break;
                case ',': Byte((byte)'\\'); Byte((byte)','); break;
                case '\r':
                    if (i + 1 < text.Length && text[i + 1] == '\n') i++;
                    Byte((byte)'\\'); Byte((byte)'n');
                    break;
                case '\n': Byte((byte)'\\'); Byte((byte)'n'); break;
                case '\t': Byte((byte)'\t'); break;
                default:
                    if (c < 0x20 || c == 0x7F) break;
                    if (c < 0x80) { Byte((byte)c); break; }
                    NonAscii(text, ref i);
                    break;
            }
        }
        return this;
    }

    private void NonAscii(ReadOnlySpan<char> text, ref int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            Char(c, text[i + 1]);
            i++;
        }
        else if (!char.IsSurrogate(c)) Char(c, '\0');
        else Char('\uFFFD', '\0'); // a lone surrogate is not text
    }

    private void Byte(byte b)
    {
        if (_column >= MaxOctets) Fold();
        Ensure(1);
        _buffer[_length++] = b;
        _column++;
    }

    private void Char(char high, char low)
    {
        Span<char> pair = stackalloc char[2];
        pair[0] = high;
        pair[1] = low;
        var chars = low == '\0' ? pair[..1] : pair;
        var count = Encoding.UTF8.GetByteCount(chars);
        if (_column + count > MaxOctets) Fold();
        Ensure(count);
        _length += Encoding.UTF8.GetBytes(chars, _buffer.AsSpan(_length));
        _column += count;
    }

    private void Fold()
    {
        Ensure(3);
        _buffer[_length++] = (byte)'\r';
        _buffer[_length++] = (byte)'\n';
        _buffer[_length++] = (byte)' ';
        _column = 1;
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
