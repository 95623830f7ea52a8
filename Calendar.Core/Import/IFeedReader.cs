namespace Calendar.Core.Import;

/// <summary>Bytes of a feed to the events it means (see ImportContract.cs).</summary>
public interface IFeedReader
{
    /// <exception cref="NotACalendarException">The bytes are not an iCalendar feed.</exception>
    FeedReadResult Read(byte[] feed, FeedReadOptions options);
}

/// <summary>The service's reader: <see cref="IcsFeedReader"/>.</summary>
public sealed class IcsReader : IFeedReader
{
    public FeedReadResult Read(byte[] feed, FeedReadOptions options) => IcsFeedReader.Read(feed, options);
}
