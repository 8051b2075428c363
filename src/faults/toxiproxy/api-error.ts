// Why: the Toxiproxy HTTP API answers every failure with `{"error": message, "status": code}`
// and a status code clients rely on (404 unknown, 409 duplicate, 400 bad body). Handlers throw
// this one error type and the HTTP edge turns it into that response.

export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export const badRequest = (detail: string): ApiError => new ApiError(400, `bad request body: ${detail}`);
export const missingField = (field: string): ApiError => new ApiError(400, `missing required field: ${field}`);
export const proxyNotFound = (): ApiError => new ApiError(404, 'proxy not found');
export const proxyExists = (): ApiError => new ApiError(409, 'proxy already exists');
export const toxicNotFound = (): ApiError => new ApiError(404, 'toxic not found');
export const toxicExists = (): ApiError => new ApiError(409, 'toxic already exists');
