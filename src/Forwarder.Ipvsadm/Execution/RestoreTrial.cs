using Forwarder.Core.Connections;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// What a -R is tried on: copies of the live services its lines name and of the timeouts, taken on the engine's
/// thread with the table's <see cref="ServiceTable.Version"/> at that moment. The trial itself runs on another thread.
/// </summary>
internal sealed record RestoreTrial(long Version, ServiceTable Services, ConnectionTimeouts Timeouts);
