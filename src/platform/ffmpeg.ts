// Thin wrappers over Debian's ffprobe and ffmpeg. Arguments are passed as an array (no shell), inputs are our own
// stored paths, and each run has a time limit.
import { spawn } from 'node:child_process';

export interface ProbeResult {
  container: string | null;
  durationS: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  /** The recording's own time, when the file carries one (creation_time). */
  recordedAt: string | null;
  hasVideo: boolean;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} could not run (${err.message}); install it with: apt-get install -y ffmpeg`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface FfprobeJson {
  format?: { format_name?: string; duration?: string; tags?: Record<string, string> };
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; tags?: Record<string, string> }[];
}

export async function probe(file: string): Promise<ProbeResult> {
  const r = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], 60_000);
  if (r.code !== 0) return { container: null, durationS: null, videoCodec: null, audioCodec: null, width: null, height: null, recordedAt: null, hasVideo: false };
  const j = JSON.parse(r.stdout) as FfprobeJson;
  const video = j.streams?.find((s) => s.codec_type === 'video' && s.codec_name !== 'mjpeg' && s.codec_name !== 'png');
  const audio = j.streams?.find((s) => s.codec_type === 'audio');
  const created = j.format?.tags?.creation_time ?? video?.tags?.creation_time ?? null;
  const duration = Number(j.format?.duration);
  return {
    container: j.format?.format_name ?? null,
    durationS: Number.isFinite(duration) ? duration : null,
    videoCodec: video?.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    width: video?.width ?? null,
    height: video?.height ?? null,
    recordedAt: created && !Number.isNaN(new Date(created).getTime()) ? new Date(created).toISOString() : null,
    hasVideo: !!video,
  };
}

/** True when browsers play the file as it is: H.264 video in an MP4 container (audio AAC or none). */
export function isBrowserPlayable(p: ProbeResult): boolean {
  return !!p.container?.split(',').includes('mp4') && p.videoCodec === 'h264' && (p.audioCodec === null || p.audioCodec === 'aac');
}

/** Makes an H.264/AAC MP4 copy with the index at the front, so playback starts before the whole file loads. */
export async function transcodeToMp4(input: string, output: string, timeoutMs = 30 * 60_000): Promise<void> {
  const r = await run(
    'ffmpeg',
    ['-nostdin', '-y', '-i', input, '-map', '0:v:0', '-map', '0:a?', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart', output],
    timeoutMs,
  );
  if (r.code !== 0) throw new Error(`ffmpeg could not convert the file: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
}
