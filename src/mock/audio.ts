/**
 * The recording the stateful mock serves for every completed call: a short WAV file made in code (no binary
 * fixture), so `downloadRecording()` has real audio bytes to fetch. Half a second of a 440 Hz tone, 8 kHz, 8-bit
 * mono PCM: about 4 kB, a valid RIFF/WAVE file any player opens.
 */

const SAMPLE_RATE = 8_000;
const SECONDS = 0.5;
const TONE_HZ = 440;
const HEADER_BYTES = 44;

/** Builds the WAV bytes: a 44-byte RIFF header, then unsigned 8-bit samples centred on 128. */
function makeWav(): Uint8Array {
  const samples = Math.round(SAMPLE_RATE * SECONDS);
  const bytes = new Uint8Array(HEADER_BYTES + samples);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, "RIFF");
  view.setUint32(4, HEADER_BYTES - 8 + samples, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true); // size of the fmt chunk
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, SAMPLE_RATE, true);
  view.setUint32(28, SAMPLE_RATE, true); // bytes per second (1 byte a sample)
  view.setUint16(32, 1, true); // block align
  view.setUint16(34, 8, true); // bits per sample
  ascii(36, "data");
  view.setUint32(40, samples, true);
  for (let i = 0; i < samples; i++) {
    bytes[HEADER_BYTES + i] = Math.round(128 + 60 * Math.sin((2 * Math.PI * TONE_HZ * i) / SAMPLE_RATE));
  }
  return bytes;
}

let wav: Uint8Array | undefined;

/** The recording's bytes (made once, then shared). */
export function recordingWav(): Uint8Array {
  wav ??= makeWav();
  return wav;
}

/** The path, on the mock itself, that serves `recordingWav()` in place of a pre-signed storage URL. */
export function recordingAudioPath(executionId: string): string {
  return `/mock-storage/recordings/${encodeURIComponent(executionId)}.wav`;
}

/** Whether a request path is one of `recordingAudioPath`'s. */
export const RECORDING_AUDIO_PATH = /^\/mock-storage\/recordings\/[^/]+\.wav$/;
